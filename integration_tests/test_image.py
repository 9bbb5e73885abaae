"""The connector's container image, built and run without a Docker daemon.

A module fixture builds the image with tools/build_image.sh (buildah, on a local debootstrap base
when no registry is reachable); the tests then run it with podman the way Airbyte runs a source:
spec, check and discover with the config mounted read-only, against the local SP-API emulator.
Image tests carry the `container` marker; the metadata consistency checks need no image.

Run: pytest integration_tests/test_image.py -s   (-s shows build and run timings)
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import time
import tomllib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
BUILD_SCRIPT = REPO_ROOT / "tools" / "build_image.sh"
IMAGE = "localhost/source-amazon-seller-partner-plus:dev"
BUILD_TIMEOUT_S = 15 * 60  # a cold build debootstraps a base and downloads every dependency
RUN_TIMEOUT_S = 120

# The runtime flags this machine needs (crun fails here; runc needs explicit ulimits), and host
# networking so the container reaches the emulator on 127.0.0.1.
PODMAN_RUN = [
    "podman", "run", "--rm", "--runtime", "runc",
    "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=4096:4096",
    "--network", "host",
]  # fmt: skip

# Required by the published Airbyte connector's spec (4.6.4): existing configs must stay valid.
PUBLISHED_REQUIRED_KEYS = {
    "aws_environment", "region", "account_type", "lwa_app_id", "lwa_client_secret", "refresh_token",
}  # fmt: skip

EMULATOR_CLIENT_ID = "amzn1.application-oa2-client.emulator"
EMULATOR_CLIENT_SECRET = "emulator-client-secret"
EMULATOR_REFRESH_TOKEN = "Atzr|emulator-seller-refresh-token"
WRONG_REFRESH_TOKEN = "Atzr|not-a-token-the-emulator-issued"


@dataclass
class ConnectorRun:
    returncode: int
    messages: list[dict]
    stderr: str
    seconds: float

    def of_type(self, message_type: str) -> list[dict]:
        return [m for m in self.messages if m.get("type") == message_type]

    def transcript(self) -> str:
        """Everything the container printed, for failure messages and secret checks."""
        return json.dumps(self.messages) + "\n" + self.stderr


def run_connector(image: str, *args: str, data_dir: Path | None = None) -> ConnectorRun:
    mount = ["-v", f"{data_dir}:/data:ro"] if data_dir else []
    started = time.monotonic()
    result = subprocess.run(
        [*PODMAN_RUN, *mount, image, *args], capture_output=True, text=True, timeout=RUN_TIMEOUT_S
    )
    seconds = time.monotonic() - started
    print(f"\n[image] `{' '.join(args)}` through podman: {seconds:.2f}s wall")
    messages = []
    for line in result.stdout.splitlines():
        if not line.strip():
            continue
        # The Airbyte protocol: every stdout line is one JSON message.
        try:
            message = json.loads(line)
        except json.JSONDecodeError:
            pytest.fail(f"non-JSON line on stdout: {line[:300]!r}\nstderr:\n{result.stderr[-3000:]}")
        assert isinstance(message, dict) and "type" in message, line[:300]
        messages.append(message)
    return ConnectorRun(result.returncode, messages, result.stderr, seconds)


@pytest.fixture(scope="module")
def image() -> str:
    started = time.monotonic()
    try:
        result = subprocess.run(
            ["bash", str(BUILD_SCRIPT), IMAGE],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail(f"{BUILD_SCRIPT.name} did not finish within {BUILD_TIMEOUT_S}s")
    print(f"\n[image] {BUILD_SCRIPT.name}: {time.monotonic() - started:.1f}s wall")
    for line in result.stderr.splitlines():
        if line.startswith("build_image:"):
            print(f"[image] {line}")
    if result.returncode != 0:
        pytest.fail(
            f"{BUILD_SCRIPT.name} failed with status {result.returncode}\n"
            f"stdout (end):\n{result.stdout[-4000:]}\nstderr (end):\n{result.stderr[-4000:]}"
        )
    return IMAGE


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A directory to mount at /data. The container runs as uid 1000, not as the test's user,
    so the directory and the files written into it are made readable to others."""
    with tempfile.TemporaryDirectory(prefix="connector-data-") as path:
        os.chmod(path, 0o755)
        yield Path(path)


def write_config(data_dir: Path, emulator, refresh_token: str) -> None:
    config = {
        "aws_environment": "PRODUCTION",
        "region": "US",
        "account_type": "Seller",
        "lwa_app_id": EMULATOR_CLIENT_ID,
        "lwa_client_secret": EMULATOR_CLIENT_SECRET,
        "refresh_token": refresh_token,
        "api_url": emulator.api_url,
        "lwa_url": emulator.lwa_url,
    }
    path = data_dir / "config.json"
    path.write_text(json.dumps(config))
    os.chmod(path, 0o644)


# --- metadata.yaml, Dockerfile and pyproject.toml agree (no image needed) ---------------------


def _dockerfile() -> str:
    return (REPO_ROOT / "Dockerfile").read_text()


def _metadata() -> dict:
    return yaml.safe_load((REPO_ROOT / "metadata.yaml").read_text())["data"]


def _dockerfile_label(name: str) -> str:
    match = re.search(rf'^LABEL {re.escape(name)}="([^"]+)"', _dockerfile(), re.MULTILINE)
    assert match, f"Dockerfile has no LABEL {name}"
    return match.group(1)


def test_dockerfile_default_base_is_airbytes_pinned_by_digest_and_matches_metadata():
    match = re.search(r"^ARG BASE_IMAGE=(\S+)$", _dockerfile(), re.MULTILINE)
    assert match, "Dockerfile has no `ARG BASE_IMAGE=<default>`"
    default_base = match.group(1)
    pinned_airbyte_base = r"docker\.io/airbyte/python-connector-base:4\.\d+\.\d+@sha256:[0-9a-f]{64}"
    assert re.fullmatch(pinned_airbyte_base, default_base), default_base
    assert _metadata()["connectorBuildOptions"]["baseImage"] == default_base


def test_metadata_version_and_repository_match_pyproject_and_image_labels():
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    metadata = _metadata()
    assert metadata["dockerImageTag"] == pyproject["tool"]["poetry"]["version"]
    assert _dockerfile_label("io.airbyte.version") == metadata["dockerImageTag"]
    assert _dockerfile_label("io.airbyte.name") == metadata["dockerRepository"]
    assert metadata["dockerRepository"] != "airbyte/source-amazon-seller-partner"  # not Airbyte's own
    assert uuid.UUID(metadata["definitionId"]).version == 4
    assert metadata["connectorType"] == "source" and metadata["connectorSubtype"] == "api"
    assert {"language:python", "cdk:low-code"} <= set(metadata["tags"])


def test_one_image_name_and_one_documentation_url_everywhere():
    repository = _metadata()["dockerRepository"]
    assert "/" not in repository and IMAGE == f"localhost/{repository}:dev"
    # every image reference in the repository's text files names that one repository
    pattern = re.compile(r"(?:[\w.-]+/)*source-amazon-seller-partner[\w-]*(?=:(?:dev|\d))")
    names = set()
    for path in REPO_ROOT.rglob("*"):
        relative = path.relative_to(REPO_ROOT).parts
        if not path.is_file() or relative[0] in (".git", ".venv", "unit_tests") or path.suffix not in (".md", ".yml", ".yaml", ".sh", ".py", "") :
            continue
        names.update(name.split("/")[-1] for name in pattern.findall(path.read_text(errors="ignore")))
    assert names == {repository}
    # the documentation URL: one https address, the spec's, also in the metadata, naming the docs page we ship
    from source_amazon_seller_partner.catalog.manifest import assemble_manifest

    url = assemble_manifest()["spec"]["documentation_url"]
    assert url.startswith("https://") and url == _metadata()["documentationUrl"]
    assert url.endswith("/docs/amazon-seller-partner.md") and (REPO_ROOT / "docs" / "amazon-seller-partner.md").is_file()
    assert "advanced_auth" not in assemble_manifest()["spec"]  # Airbyte's OAuth button needs Airbyte's own app


def test_metadata_allows_every_host_the_connector_calls():
    hosts = set(_metadata()["allowedHosts"]["hosts"])
    api_hosts = {
        f"{prefix}sellingpartnerapi-{region}.amazon.com" for prefix in ("", "sandbox.") for region in ("na", "eu", "fe")
    }
    assert {"api.amazon.com", *api_hosts} <= hosts
    # Report documents come from presigned S3 URLs such as tortuga-prod-eu.s3-eu-west-1.amazonaws.com.
    document_host = "tortuga-prod-eu.s3-eu-west-1.amazonaws.com"
    assert any(h.startswith("*.") and document_host.endswith(h[1:]) for h in hosts), hosts


# --- the image ------------------------------------------------------------------------------


@pytest.mark.container
def test_image_is_configured_like_airbytes(image):
    inspected = subprocess.run(
        ["podman", "image", "inspect", "--format", "{{json .Config}}", image],
        capture_output=True, text=True, check=True, timeout=RUN_TIMEOUT_S,
    )  # fmt: skip
    config = json.loads(inspected.stdout)
    assert config["Entrypoint"] == ["source-amazon-seller-partner"]
    assert "AIRBYTE_ENTRYPOINT=source-amazon-seller-partner" in config["Env"]
    assert config["User"] == "airbyte"


@pytest.mark.container
def test_image_holds_only_the_package_and_no_build_configuration(image):
    listing = subprocess.run(
        [*PODMAN_RUN, "--entrypoint", "sh", image, "-c",
         "ls -A /airbyte/integration_code; test ! -e /etc/pip.conf && echo no-pip-conf"],
        capture_output=True, text=True, timeout=RUN_TIMEOUT_S,
    )  # fmt: skip
    entries = set(listing.stdout.split())
    expected = {"README.md", "poetry.lock", "pyproject.toml", "source_amazon_seller_partner", "no-pip-conf"}
    assert entries == expected, listing.stdout + listing.stderr


@pytest.mark.container
def test_spec(image):
    run = run_connector(image, "spec")
    assert run.returncode == 0, run.transcript()[-3000:]
    specs = run.of_type("SPEC")
    assert len(specs) == 1, run.transcript()[-3000:]
    connection_spec = specs[0]["spec"]["connectionSpecification"]
    assert PUBLISHED_REQUIRED_KEYS <= set(connection_spec["required"])
    assert PUBLISHED_REQUIRED_KEYS <= set(connection_spec["properties"])


@pytest.mark.container
def test_check_succeeds_against_the_emulator(image, emulator, data_dir):
    write_config(data_dir, emulator, EMULATOR_REFRESH_TOKEN)
    run = run_connector(image, "check", "--config", "/data/config.json", data_dir=data_dir)
    statuses = run.of_type("CONNECTION_STATUS")
    assert len(statuses) == 1, run.transcript()[-3000:]
    assert statuses[0]["connectionStatus"]["status"] == "SUCCEEDED", statuses[0]
    assert run.returncode == 0


@pytest.mark.container
def test_check_fails_with_a_wrong_refresh_token_and_says_so_without_leaking_secrets(image, emulator, data_dir):
    write_config(data_dir, emulator, WRONG_REFRESH_TOKEN)
    run = run_connector(image, "check", "--config", "/data/config.json", data_dir=data_dir)
    statuses = run.of_type("CONNECTION_STATUS")
    assert len(statuses) == 1, run.transcript()[-3000:]
    status = statuses[0]["connectionStatus"]
    assert status["status"] == "FAILED", status
    assert re.search(r"refresh[ _]token", status.get("message", ""), re.IGNORECASE), status
    transcript = run.transcript()
    for secret in (WRONG_REFRESH_TOKEN, EMULATOR_CLIENT_SECRET):
        assert secret not in transcript, f"a secret appears in the connector's output: {secret[:6]}..."


@pytest.mark.container
def test_discover_lists_the_streams(image, emulator, data_dir):
    write_config(data_dir, emulator, EMULATOR_REFRESH_TOKEN)
    run = run_connector(image, "discover", "--config", "/data/config.json", data_dir=data_dir)
    assert run.returncode == 0, run.transcript()[-3000:]
    catalogs = run.of_type("CATALOG")
    assert len(catalogs) == 1, run.transcript()[-3000:]
    streams = {stream["name"]: stream for stream in catalogs[0]["catalog"]["streams"]}
    assert {"Orders", "OrderItems"} <= set(streams), sorted(streams)
    for name, stream in streams.items():
        assert stream["json_schema"].get("properties"), f"{name} has an empty schema"
        assert "full_refresh" in stream["supported_sync_modes"], name

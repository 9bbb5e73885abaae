"""The README's command-line block runs as written, with the shipped example files.

The one change: the emulator listens on a port the system picks instead of 8765 (tests use no fixed
ports), so the example config is copied with that port.
"""

from __future__ import annotations

import json
import re
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
README = REPO_ROOT / "README.md"
README_PORT = "8765"


def readme_command_lines():
    text = README.read_text(encoding="utf-8")
    section = text.split("## Running it", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip()]


@pytest.mark.slow
def test_the_readme_command_line_block_runs_with_the_example_files(tmp_path):
    lines = readme_command_lines()
    emulator_line = next(line for line in lines if "sp_api_emulator" in line)
    connector_lines = [line for line in lines if "source-amazon-seller-partner " in line]
    assert [shlex.split(line)[1] for line in connector_lines] == ["spec", "check", "discover", "read"]

    emulator_args = shlex.split(emulator_line.rstrip("&").strip())
    emulator_args[emulator_args.index("--port") + 1] = "0"
    emulator_args[0] = sys.executable
    emulator = subprocess.Popen(emulator_args, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        api_url = json.loads(emulator.stdout.readline())["api_url"]
        port = api_url.rsplit(":", 1)[1]
        config = (REPO_ROOT / "examples" / "emulator_config.json").read_text().replace(f":{README_PORT}", f":{port}")
        (tmp_path / "examples").mkdir()
        (tmp_path / "examples" / "emulator_config.json").write_text(config)
        (tmp_path / "examples" / "configured_catalog.json").write_text((REPO_ROOT / "examples" / "configured_catalog.json").read_text())
        outputs = {}
        for line in connector_lines:
            args = shlex.split(line)
            args[0] = str(REPO_ROOT / args[0])
            result = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=600)
            assert result.returncode == 0, f"{line}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            outputs[args[1]] = [json.loads(m) for m in result.stdout.splitlines() if m.startswith("{")]
    finally:
        emulator.send_signal(signal.SIGTERM)
        emulator.wait(30)
    assert [m["connectionStatus"]["status"] for m in outputs["check"] if m["type"] == "CONNECTION_STATUS"] == ["SUCCEEDED"]
    discovered = {s["name"] for m in outputs["discover"] if m["type"] == "CATALOG" for s in m["catalog"]["streams"]}
    selected = {s["stream"]["name"] for s in json.loads((tmp_path / "examples" / "configured_catalog.json").read_text())["streams"]}
    assert selected <= discovered
    read_streams = {m["record"]["stream"] for m in outputs["read"] if m["type"] == "RECORD"}
    assert read_streams == selected
    assert not [m for m in outputs["read"] if m["type"] == "TRACE" and m["trace"]["type"] == "ERROR"]

"""builder/manifest.yaml, the Connector Builder edition: current, pure declarative, its derived config
keys made by its own config_normalization_rules, its API budget Amazon's limits.
(integration_tests/test_builder_edition.py reads it against the emulator.)"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator, Set

import pytest
import yaml
from isodate import parse_duration

from source_amazon_seller_partner.catalog.reports import load_report_catalog
from source_amazon_seller_partner.rate_limits import OPERATIONS
from tools.builder_edition import MANIFEST_PATH, build_manifest, render_manifest
from tools.builder_edition.report_streams import included_specs, left_out


@pytest.fixture(scope="module")
def manifest():
    return yaml.safe_load(MANIFEST_PATH.read_text(encoding="utf-8"))


def nodes(node: Any) -> Iterator[dict]:
    if isinstance(node, list):
        for item in node:
            yield from nodes(item)
    elif isinstance(node, dict):
        yield node
        for value in node.values():
            yield from nodes(value)


def test_the_committed_manifest_is_what_the_generator_writes():
    assert MANIFEST_PATH.read_text(encoding="utf-8") == render_manifest(build_manifest()), "run `make builder-edition`"


def test_no_custom_component_and_no_python(manifest):
    custom = {node["type"] for node in nodes(manifest) if isinstance(node.get("type"), str) and node["type"].startswith("Custom")}
    assert custom == set()
    assert [node for node in nodes(manifest) if "class_name" in node] == []


def derived_keys(manifest) -> Set[str]:
    rules = manifest["spec"]["config_normalization_rules"]["transformations"]
    return {field["path"][0] for rule in rules for field in rule["fields"]}


def test_every_underscore_key_it_reads_is_one_its_rules_derive(manifest):
    text = json.dumps({key: value for key, value in manifest.items() if key != "schemas"})
    read = set(re.findall(r"config(?:\['|\.get\('|\.)(_[a-z_]+)", text))
    assert read, "the pattern finds nothing: the check would prove nothing"
    derived = {key for key in derived_keys(manifest) if key.startswith("_")}
    assert read - derived == set()
    # each rule reads only keys of the spec or keys derived before it
    offered = set(manifest["spec"]["connection_specification"]["properties"])
    seen: Set[str] = set()
    for field in manifest["spec"]["config_normalization_rules"]["transformations"][0]["fields"]:
        used = set(re.findall(r"config(?:\['|\.get\(')([a-z_]+)", field["value"]))
        assert used <= offered | seen, (field["path"], used - offered - seen)
        seen.add(field["path"][0])


def test_the_api_budget_is_amazons_limit_per_operation(manifest):
    policies = manifest["api_budget"]["policies"]
    assert len(policies) == len(OPERATIONS)
    for operation, policy in zip(OPERATIONS, policies):
        (rate,) = policy["rates"]
        (matcher,) = policy["matchers"]
        assert matcher["method"] == operation.method and re.compile(matcher["url_path_pattern"]) == operation.path, operation.name
        assert rate["limit"] == operation.burst, operation.name
        # burst calls per burst/rate seconds: never faster than Amazon's rate over a window
        assert rate["limit"] / parse_duration(rate["interval"]).total_seconds() == pytest.approx(operation.rate, rel=1e-3), operation.name


def test_every_report_stream_is_in_it_or_left_out_with_a_reason(manifest):
    streams = [node for node in nodes(manifest["definitions"]) if node.get("type") == "DeclarativeStream"]
    names = {node.get("name") or node.get("$parameters", {}).get("name") for node in streams} - {None}
    catalog = load_report_catalog()
    included = {spec.name for spec in included_specs()}
    assert included and included <= names
    for spec in catalog:
        if spec.name not in included:
            assert spec.name not in names and left_out(spec), spec.name
    # CANCELLED (Amazon found no data) is a skipped window, not a failed one
    status_map = manifest["definitions"]["report_retriever"]["status_mapping"]
    assert status_map["skipped"] == ["CANCELLED"] and status_map["failed"] == ["FATAL"]


def offered_streams(manifest) -> Set[str]:
    refs = [ref for node in nodes(manifest["streams"]) for ref in [node.get("$ref")] if ref]
    definitions = [manifest["definitions"][ref.rsplit("/", 1)[1]] for ref in refs]
    return {definition.get("name") or definition["$parameters"]["name"] for definition in definitions}


def builder_table(path) -> str:
    text = path.read_text(encoding="utf-8")
    start = text.index("| Feature | Full connector (image) | Builder edition (Cloud) |")
    return text[start:text.index("\n\n", start)]


def test_readme_and_docs_tell_what_it_leaves_out(manifest):
    from unit_tests.test_docs import DOCS_PAGE_PATH, README_PATH

    readme, docs = builder_table(README_PATH), builder_table(DOCS_PAGE_PATH)
    assert readme == docs.replace("](../README.md#", "](#")
    schemas = {path.stem for path in (README_PATH.parent / "source_amazon_seller_partner" / "schemas").glob("*.json")}
    offered = offered_streams(manifest)
    assert offered <= schemas
    text = README_PATH.read_text(encoding="utf-8")
    assert f"offers {len(offered)} of the full connector's {len(schemas)} streams" in text
    catalog = {spec.name: spec for spec in load_report_catalog()}
    for name in sorted(schemas - offered):
        spec = catalog.get(name)
        if spec is not None and spec.format == "tsv" and spec.window_kind != "settlement":
            continue  # counted, not named: the flat files with text columns
        assert f"`{name}`" in readme or f"`..._{name.rsplit('_', 1)[1]}`" in readme, f"the Builder table does not say why {name} is left out"
    for spec in included_specs():
        if spec.format == "tsv":
            assert f"`{spec.name}`" in readme, spec.name

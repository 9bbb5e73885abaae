"""The manifest the CDK reads: manifest.yaml plus the streams generated from the catalog's data."""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Tuple

import yaml

from .finance_streams import finance_event_stream_definitions
from .report_streams import report_stream_definitions
from .reports import load_report_catalog

MANIFEST_PATH = Path(__file__).resolve().parent.parent / "manifest.yaml"
GENERATED_MARK = "generated"


@functools.lru_cache(maxsize=None)
def _manifest_text() -> str:
    return MANIFEST_PATH.read_text(encoding="utf-8")


@functools.lru_cache(maxsize=None)
def _spec_defaults() -> Tuple[Tuple[str, Any], ...]:
    properties = yaml.safe_load(_manifest_text())["spec"]["connection_specification"]["properties"]
    return tuple((key, prop["default"]) for key, prop in properties.items() if "default" in prop)


def spec_defaults() -> Dict[str, Any]:
    """The spec's default for every key that has one: the one place defaults are written."""
    return copy.deepcopy(dict(_spec_defaults()))


def assemble_manifest(config: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """manifest.yaml with the finance event streams and the report streams filled in.

    The finance event streams go where the seller streams list `generated: finance_event_streams`;
    report streams are appended as seller and vendor groups. The spec's report enum lists every
    report type of the catalog.
    """
    manifest = yaml.safe_load(_manifest_text())
    catalog = load_report_catalog()
    for group in manifest["streams"]:
        if isinstance(group, dict) and group.get("type") == "ConditionalStreams":
            group["streams"] = [
                definition
                for entry in group["streams"]
                for definition in (
                    finance_event_stream_definitions() if entry == {GENERATED_MARK: "finance_event_streams"} else [entry]
                )
            ]
    manifest["streams"] = list(manifest["streams"]) + report_stream_definitions(catalog, config or spec_defaults())
    report_name = manifest["spec"]["connection_specification"]["properties"]["report_options_list"]["items"]["properties"]["report_name"]
    report_name["enum"] = sorted({entry.report_type for entry in catalog})
    return manifest

"""The manifest the CDK reads: manifest.yaml plus the streams generated from the catalog's data."""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any, Collection, Dict, List, Mapping, Optional, Tuple

import yaml

from .finance_streams import finance_event_stream_definitions
from .report_streams import report_stream_definitions
from .reports import SAFE_LOADER, load_report_catalog

MANIFEST_PATH = Path(__file__).resolve().parent.parent / "manifest.yaml"
GENERATED_MARK = "generated"


@functools.lru_cache(maxsize=None)
def _parsed_manifest() -> Dict[str, Any]:
    """manifest.yaml parsed once per process (libyaml where available); callers get deep copies."""
    with open(MANIFEST_PATH, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=SAFE_LOADER)


@functools.lru_cache(maxsize=None)
def _spec_defaults() -> Tuple[Tuple[str, Any], ...]:
    properties = _parsed_manifest()["spec"]["connection_specification"]["properties"]
    return tuple((key, prop["default"]) for key, prop in properties.items() if "default" in prop)


def spec_defaults() -> Dict[str, Any]:
    """The spec's default for every key that has one: the one place defaults are written."""
    return copy.deepcopy(dict(_spec_defaults()))


def assemble_manifest(config: Optional[Mapping[str, Any]] = None, only: Optional[Collection[str]] = None) -> Dict[str, Any]:
    """manifest.yaml with the finance event streams and the report streams filled in.

    The finance event streams go where the seller streams list `generated: finance_event_streams`;
    report streams are appended as seller and vendor groups. The spec's report enum lists every
    report type of the catalog.

    `only`: the stream names a `read` selected. The CDK resolves, validates and builds every stream of
    the manifest it is given, most of a small read's start-up; so the other streams are left out (a
    parent stream comes with its child's definition). When none of the names is a stream, every stream
    stays, so the read can say which streams exist.
    """
    manifest = copy.deepcopy(_parsed_manifest())
    catalog = load_report_catalog()
    if only is not None:
        catalog = [entry for entry in catalog if entry.name in only]
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
    if only is not None:
        selected = _selected_streams(manifest, set(only))
        if selected:
            manifest["streams"] = selected
        else:
            return assemble_manifest(config)
    report_name = manifest["spec"]["connection_specification"]["properties"]["report_options_list"]["items"]["properties"]["report_name"]
    report_name["enum"] = sorted({entry.report_type for entry in load_report_catalog()})
    return manifest


def _stream_name(manifest: Mapping[str, Any], entry: Any) -> Optional[str]:
    """A `streams` entry's name, following its $ref chain (`#/definitions/...`)."""
    seen = 0
    while isinstance(entry, Mapping) and seen < 20:
        if isinstance(entry.get("name"), str):
            return entry["name"]
        reference = entry.get("$ref")
        if not isinstance(reference, str) or not reference.startswith("#/"):
            return None
        entry = manifest
        for part in reference[2:].split("/"):
            entry = entry.get(part) if isinstance(entry, Mapping) else None
        seen += 1
    return None


def _selected_streams(manifest: Mapping[str, Any], names: Collection[str]) -> List[Any]:
    """The `streams` entries named in `names`, ConditionalStreams groups kept (with only those)."""
    kept: List[Any] = []
    for entry in manifest["streams"]:
        if isinstance(entry, Mapping) and entry.get("type") == "ConditionalStreams":
            streams = [stream for stream in entry["streams"] if _stream_name(manifest, stream) in names]
            if streams:
                kept.append({**entry, "streams": streams})
        elif _stream_name(manifest, entry) in names:
            kept.append(entry)
    return kept

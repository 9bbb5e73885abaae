"""Amazon's API models (sp_api_emulator/amazon_models, copied from Amazon's selling-partner-api-models)
and report schemas (sp_api_emulator/amazon_schemas) as JSON-schema validators for the emulator's tests."""

from __future__ import annotations

import copy
import functools
import json
import re
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple

import jsonschema

EMULATOR_DIR = Path(__file__).resolve().parents[2] / "sp_api_emulator"
MODELS_DIR = EMULATOR_DIR / "amazon_models"
REPORT_SCHEMAS_DIR = EMULATOR_DIR / "amazon_schemas"

_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("date-time")
def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or bool(_DATE_TIME.match(value))


@FORMATS.checks("date")
def _is_date(value: object) -> bool:
    return not isinstance(value, str) or bool(_DATE.match(value))


@functools.lru_cache(maxsize=None)
def load_model(relative: str) -> Dict[str, Any]:
    with open(MODELS_DIR / relative, encoding="utf-8") as handle:
        return json.load(handle)


@functools.lru_cache(maxsize=None)
def load_report_schema(name: str) -> Dict[str, Any]:
    with open(REPORT_SCHEMAS_DIR / name, encoding="utf-8") as handle:
        return json.load(handle)


def operation(model: Dict[str, Any], method: str, path: str) -> Dict[str, Any]:
    return model["paths"][path][method.lower()]


def response_schema(model: Dict[str, Any], method: str, path: str, status: int) -> Optional[Dict[str, Any]]:
    response = operation(model, method, path)["responses"].get(str(status))
    return None if response is None else response.get("schema")


def _allof_refs(node: Any, found: Set[str]) -> None:
    if isinstance(node, dict):
        for part in node.get("allOf", []):
            if isinstance(part, dict) and "$ref" in part:
                found.add(part["$ref"].split("/")[-1])
        for value in node.values():
            _allof_refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _allof_refs(value, found)


def _close(node: Any, inside_allof: bool = False) -> None:
    """Forbid properties the model does not define (except where allOf composes objects)."""
    if isinstance(node, dict):
        if "properties" in node and "additionalProperties" not in node and not inside_allof:
            node["additionalProperties"] = False
        for key, value in node.items():
            _close(value, inside_allof or key == "allOf")
    elif isinstance(node, list):
        for value in node:
            _close(value, inside_allof)


@functools.lru_cache(maxsize=None)
def _definitions(relative: str, strict: bool) -> Dict[str, Any]:
    model = load_model(relative)
    definitions = copy.deepcopy(model.get("definitions", {}))
    if strict:
        composed: Set[str] = set()
        _allof_refs(model, composed)
        for name, definition in definitions.items():
            if name not in composed:
                _close(definition)
    return definitions


def validator(relative: str, schema: Dict[str, Any], strict: bool) -> jsonschema.Draft4Validator:
    root = {**schema, "definitions": _definitions(relative, strict)}
    if strict:
        root = copy.deepcopy(root)
        _close({k: v for k, v in root.items() if k != "definitions"})
    return jsonschema.Draft4Validator(root, format_checker=FORMATS)


def errors(relative: str, method: str, path: str, status: int, body: Any, strict: bool = True) -> List[str]:
    """Schema violations of `body` as the model's response for (method, path, status); [] when valid."""
    model = load_model(relative)
    schema = response_schema(model, method, path, status)
    if schema is None:
        return [f"the model defines no {status} response for {method} {path}"]
    found = validator(relative, schema, strict).iter_errors(body)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found]


def sandbox_examples(relative: str, method: str, path: str) -> Iterator[Tuple[int, int, Dict[str, Any]]]:
    """(status, index, example) for every static sandbox response of an operation."""
    for status, response in operation(load_model(relative), method, path)["responses"].items():
        static = (response.get("x-amzn-api-sandbox") or {}).get("static") or []
        for index, example in enumerate(static):
            yield int(status), index, example

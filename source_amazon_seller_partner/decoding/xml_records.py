"""XML reports: one dict per record element, parsed incrementally and freed as it goes."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Collection, Iterator
from typing import Any, BinaryIO
from xml.parsers import expat

from .binary import open_binary_stream
from .errors import MalformedDocumentError, TruncatedDocumentError

_XML_TRUNCATION_CODES = {
    expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS],
    expat.errors.codes[expat.errors.XML_ERROR_UNCLOSED_TOKEN],
    expat.errors.codes[expat.errors.XML_ERROR_PARTIAL_CHAR],
}


def iter_xml_records(
    raw: BinaryIO, record_tag: str, *, compressed: bool | None, force_list: Collection[str] = ()
) -> Iterator[dict[str, Any]]:
    """Yield each ``record_tag`` element (matched on its local name, at any depth) as a dict.

    Conversion: a child element without children or attributes becomes its text (None if empty);
    other elements become dicts with attributes under ``@name``, child elements under their local
    name and, if there is non-blank text besides, the text under ``#text``. A child name seen
    more than once becomes a list; names in ``force_list`` are always lists, so a record's shape
    does not depend on how many children it happens to have (e.g. ``force_list={"OrderItem"}``).

    Elements are freed as soon as they are converted and outside records nothing is kept, so
    memory stays flat however long the document is.
    """
    binary, _ = open_binary_stream(raw, compressed=compressed)
    force_list = frozenset(force_list)
    open_elements: list[ElementTree.Element] = []
    record_depth = 0  # depth of the record being built, 0 when outside a record
    try:
        for event, element in ElementTree.iterparse(binary, events=("start", "end")):
            if event == "start":
                open_elements.append(element)
                if not record_depth and _local_name(element.tag) == record_tag:
                    record_depth = len(open_elements)
                continue
            depth = len(open_elements)
            open_elements.pop()
            if record_depth and depth > record_depth:
                continue  # part of the record: converted when the record ends
            if depth == record_depth:
                record_depth = 0
                record = _element_to_dict(element, force_list)
                _discard(element, open_elements)
                yield record
            else:
                _discard(element, open_elements)
    except ElementTree.ParseError as error:
        if error.code in _XML_TRUNCATION_CODES:
            raise TruncatedDocumentError("The XML report document ended before its end (truncated download?)") from None
        raise MalformedDocumentError(f"The report document is not valid XML: {error}") from None


def _discard(element: ElementTree.Element, open_elements: list[ElementTree.Element]) -> None:
    element.clear()
    if open_elements:
        open_elements[-1].remove(element)


def _local_name(tag: str) -> str:
    return tag.rpartition("}")[2]


def _element_to_dict(element: ElementTree.Element, force_list: frozenset[str]) -> dict[str, Any]:
    result: dict[str, Any] = {f"@{_local_name(name)}": value for name, value in element.attrib.items()}
    for child in element:
        name = _local_name(child.tag)
        value = _element_value(child, force_list)
        existing = result.get(name, _ABSENT)
        if existing is _ABSENT:
            result[name] = [value] if name in force_list else value
        elif isinstance(existing, list):  # child values are never lists, so this is a repeat
            existing.append(value)
        else:
            result[name] = [existing, value]
    text = element.text.strip() if element.text else ""
    if text:
        result["#text"] = text
    return result


_ABSENT = object()


def _element_value(element: ElementTree.Element, force_list: frozenset[str]) -> Any:
    if len(element) == 0 and not element.attrib:
        return element.text or None
    return _element_to_dict(element, force_list)

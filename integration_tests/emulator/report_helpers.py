"""Helpers for report tests: run a report to its end and decode its document like a client would."""

from __future__ import annotations

import gzip
import time
from typing import Any, Dict, List, Optional, Tuple

import requests

CODECS = {"cp1252": "cp1252", "utf-8": "utf-8", "shift_jis": "shift_jis"}


def create(client, report_type: str, marketplaces: List[str], start: Optional[str] = None, end: Optional[str] = None,
           options: Optional[Dict[str, str]] = None) -> requests.Response:
    body: Dict[str, Any] = {"reportType": report_type, "marketplaceIds": marketplaces}
    if start:
        body["dataStartTime"] = start
    if end:
        body["dataEndTime"] = end
    if options:
        body["reportOptions"] = options
    return client.post("/reports/2021-06-30/reports", body)


def wait(client, report_id: str, timeout: float = 20.0) -> Tuple[Dict[str, Any], List[str]]:
    """Poll until a final status; returns the report and every status seen."""
    seen: List[str] = []
    deadline = time.monotonic() + timeout
    while True:
        report = client.get(f"/reports/2021-06-30/reports/{report_id}").json()
        if not seen or seen[-1] != report["processingStatus"]:
            seen.append(report["processingStatus"])
        if report["processingStatus"] in ("DONE", "CANCELLED", "FATAL") or time.monotonic() > deadline:
            return report, seen
        time.sleep(0.02)


def declared_charset(response: requests.Response) -> Optional[str]:
    """The charset parameter of Content-Type, or None when Amazon sends none."""
    content_type = response.headers.get("Content-Type", "")
    return content_type.split("charset=")[1].strip().lower() if "charset=" in content_type else None


def decode(data: bytes, charset: Optional[str]) -> str:
    """Decode like a careful client: the declared charset; without one, UTF-8 if it decodes, else Cp1252."""
    if charset is not None:
        return data.decode(CODECS[charset])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def download(client, document_id: str) -> Tuple[str, requests.Response, Dict[str, Any]]:
    """(decoded text, download response, document JSON) for a report document."""
    document = client.get(f"/reports/2021-06-30/documents/{document_id}").json()
    response = requests.get(document["url"], timeout=60)
    response.raise_for_status()
    data = response.content
    if document.get("compressionAlgorithm") == "GZIP":
        data = gzip.decompress(data)
    text = decode(data, declared_charset(response))
    return text.lstrip("\ufeff"), response, document


def run(client, report_type: str, marketplaces: List[str], start: Optional[str] = None, end: Optional[str] = None,
        options: Optional[Dict[str, str]] = None) -> Tuple[Dict[str, Any], Optional[str]]:
    created = create(client, report_type, marketplaces, start, end, options)
    assert created.status_code == 202, created.text
    report, _ = wait(client, created.json()["reportId"])
    if report["processingStatus"] != "DONE":
        return report, None
    text, _, _ = download(client, report["reportDocumentId"])
    return report, text


def tsv_rows(text: str) -> Tuple[List[str], List[Dict[str, str]]]:
    """Amazon's flat files are unquoted TSV: split on tabs and newlines only."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"))) for line in lines[1:]]
    return header, rows


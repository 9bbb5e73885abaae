"""The report streams' retriever: the CDK adapter around the report job and the stream's cursor."""

from __future__ import annotations

import threading
from dataclasses import InitVar, dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable, Mapping, Optional

from airbyte_cdk.sources.declarative.retrievers.retriever import Retriever
from airbyte_cdk.sources.types import Record, StreamSlice

from ..context import SyncContext
from ..catalog.reports import ReportStreamSpec, load_report_catalog
from ..dates import format_datetime
from ..decoding import make_caster
from .documents import DocumentSource, ReportDocuments
from .job import ReportJob, ReportStream
from .row_range import RowRange
from .settings import JobSettings
from .settlement import SettlementJob
from .window import ReportWindow, window_of


def _array_property_names(schema: Any) -> frozenset:
    """Names of every property typed as an array, at any depth (XML repeats them as sibling elements)."""
    names = set()
    pending = [schema]
    while pending:
        node = pending.pop()
        if not isinstance(node, Mapping):
            continue
        for name, sub in (node.get("properties") or {}).items():
            if isinstance(sub, Mapping):
                types = sub.get("type")
                if types == "array" or (isinstance(types, list) and "array" in types):
                    names.add(name)
                pending.append(sub)
        if isinstance(node.get("items"), Mapping):
            pending.append(node["items"])
    return frozenset(names)


@dataclass
class ReportRetriever(Retriever):
    """Declarative custom retriever of every report stream (catalog/report_streams.py makes them).

    Why custom: the CDK's AsyncRetriever polls at a fixed 5 s, retries FATAL jobs immediately, treats
    CANCELLED (Amazon's "no data") as a failure, cannot reuse or resume reports and buffers XML.

    `report_stream` names the catalog entry (default: the stream's name). The CDK passes `cursor`
    (the stream's concurrent cursor), used to mark a completed window as read even when it had no
    rows; the component factory passes `context`, the sync's SyncContext. One instance serves every
    worker thread: per-window values live in the job, the per-stream ReportStream is built once.
    """

    config: Mapping[str, Any]
    parameters: InitVar[Mapping[str, Any]]
    name: str = ""
    report_stream: str = ""
    cursor: Optional[Any] = None
    spec: Optional[ReportStreamSpec] = None
    context: Optional[SyncContext] = None
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _stream: Optional[ReportStream] = field(default=None, init=False, repr=False)

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        if self.spec is None:
            wanted = self.report_stream or self.name or (parameters or {}).get("name", "")
            self.spec = next((s for s in load_report_catalog() if s.name == wanted), None)
            if self.spec is None:
                raise ValueError(f"No report catalog entry named {wanted!r}")
        if not self.name:
            self.name = self.spec.name
        if self.context is None:
            raise ValueError("ReportRetriever needs the sync context (build it through the connector's component factory)")

    def _report_stream(self, records_schema: Mapping[str, Any]) -> ReportStream:
        # Built on first use (discover never needs it), once per stream, shared by its threads.
        with self._lock:
            if self._stream is None:
                assert self.spec is not None and self.context is not None
                transport = self.context.transport(self.name, {"api_name": "Reports API", "role": self.spec.role})
                settings = JobSettings.from_config(self.config)
                self._stream = ReportStream(
                    spec=self.spec,
                    config=self.config,
                    transport=transport,
                    documents=ReportDocuments(transport, self.context.documents, settings.document_backoff_seconds),
                    settings=settings,
                    planner=self.context.report_planner,
                    source=DocumentSource(
                        report_format=self.spec.format,
                        json_records_path=tuple(self.spec.json_records_path),
                        xml_record_tag=self.spec.xml_record_tag,
                        xml_force_list=_array_property_names(records_schema),
                        header_names=tuple(self.spec.header_names),
                    ),
                    cast=make_caster(records_schema or {}, self.spec.column_formats, self.name),
                    row_range=RowRange.for_stream(self.spec.row_date, self.config),
                )
            return self._stream

    def read_records(self, records_schema: Mapping[str, Any], stream_slice: Optional[StreamSlice] = None) -> Iterable[Mapping[str, Any]]:
        stream = self._report_stream(records_schema)
        window: ReportWindow = window_of(stream.spec, self.config, stream_slice)
        job: Any
        if stream.spec.window_kind == "settlement":
            job = SettlementJob(stream, window)
        else:
            # planned when the CDK generated the slice (factory.py); planned now if it was not
            job = ReportJob(stream, window, stream.planner.plan(self.name, stream.spec, window))
        yield from job.records()
        self._mark_read_through(stream_slice, job.completed_through)

    def _mark_read_through(self, stream_slice: Optional[StreamSlice], through: Optional[datetime]) -> None:
        """Tell the cursor the window is read up to `through` (state = the next window's start).

        The CDK's sequential state moves to the highest cursor value observed in the completed windows;
        a window without rows (CANCELLED, or an empty report) would otherwise leave it where it was.
        """
        cursor_field = getattr(self.cursor, "cursor_field", None)
        if stream_slice is None or through is None or cursor_field is None or not hasattr(self.cursor, "observe"):
            return
        marker = Record(
            data={cursor_field.cursor_field_key: format_datetime(through + timedelta(seconds=1))},
            stream_name=self.name,
            associated_slice=stream_slice,
        )
        self.cursor.observe(marker)

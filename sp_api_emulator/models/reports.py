"""Report state: what a client asked for, the report Amazon made of it, and its document."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Dict, List, Optional, Tuple

from ..marketplaces import MARKETS_BY_ID, Market


@dataclass(frozen=True)
class DataCutoff:
    """What a report holds: the account as Amazon had it when the report was created (`created`), less
    the changes younger than the report type's data delay (`changed_before`; reports/delays.py)."""

    created: datetime
    changed_before: datetime

    def knows(self, recorded: Optional[datetime], changed: datetime) -> bool:
        return (recorded is None or recorded <= self.created) and changed <= self.changed_before


@dataclass(frozen=True)
class ReportRequest:
    report_type: str
    account_type: str
    marketplace_ids: tuple
    start: Optional[datetime]
    end: Optional[datetime]
    options: Dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    # None: the account as it is now (the truth of facts); set for every report a client requests
    cutoff: Optional[DataCutoff] = field(default=None, hash=False, compare=False)

    @property
    def markets(self) -> List[Market]:
        return [MARKETS_BY_ID[m] for m in self.marketplace_ids if m in MARKETS_BY_ID]


@dataclass
class Report:
    report_id: str
    account_type: str
    request: ReportRequest
    definition: object  # reports.definitions.ReportType
    created: datetime
    created_mono: float  # time.monotonic() at creation: status uses real elapsed time
    fate: str  # DONE | CANCELLED | FATAL | STUCK
    reason: str = ""
    document_id: Optional[str] = None
    cancelled: bool = False
    scheduled: bool = False  # created by Amazon (settlement etc.), not by a client
    key: Tuple = field(default=())


@dataclass(frozen=True)
class DocumentEntry:
    document_id: str
    report: Report
    fatal: bool

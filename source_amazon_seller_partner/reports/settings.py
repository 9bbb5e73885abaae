"""How long the report job waits, polls and reuses (from the config), and Amazon's listing limits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Mapping

POLL_FIRST_SECONDS = 1.0
POLL_GROWTH = 1.5
POLL_MAX_SECONDS = 30.0
DOCUMENT_BACKOFF_SECONDS = 2.0
# How far back a report requested by an earlier sync is looked for (see listing.RecentReports).
RESUME_HORIZON = timedelta(hours=24)
LISTING_MAX_AGE = timedelta(days=89)  # Amazon keeps reports 90 days


@dataclass(frozen=True)
class JobSettings:
    wait_timeout_seconds: float
    fatal_cooldown_seconds: float
    reuse_max_age: timedelta
    resume_horizon: timedelta
    poll_first_seconds: float = POLL_FIRST_SECONDS
    poll_max_seconds: float = POLL_MAX_SECONDS
    # first wait before a document download or getReportDocument is tried again (doubles per attempt)
    document_backoff_seconds: float = DOCUMENT_BACKOFF_SECONDS

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "JobSettings":
        # Underscore keys are for tests (whole minutes are too coarse for them); users set the minutes.
        wait = config.get("_report_wait_timeout_seconds")
        if wait is None:
            wait = 60.0 * float(config["report_wait_timeout_minutes"])
        wait = max(0.0, float(wait))
        return cls(
            wait_timeout_seconds=wait,
            fatal_cooldown_seconds=float(config["report_fatal_retry_cooldown_seconds"]),
            reuse_max_age=timedelta(minutes=int(config["report_reuse_max_age_minutes"])),
            resume_horizon=min(LISTING_MAX_AGE, max(RESUME_HORIZON, timedelta(seconds=2 * wait))),
            poll_first_seconds=max(0.0, float(config.get("_report_poll_first_seconds", POLL_FIRST_SECONDS))),
            poll_max_seconds=max(0.0, float(config.get("_report_poll_max_seconds", POLL_MAX_SECONDS))),
            document_backoff_seconds=max(0.0, float(config.get("_document_backoff_seconds", DOCUMENT_BACKOFF_SECONDS))),
        )

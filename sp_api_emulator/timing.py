"""Amazon's durations, divided by the emulator's time scale."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Timing:
    scale: float = 1.0
    report_queue_seconds: float = 2.0
    report_processing_seconds: float = 5.0
    token_lifetime_seconds: float = 3600.0
    document_url_ttl_seconds: float = 300.0
    report_cooldown_seconds: float = 1800.0
    fba_next_token_ttl_seconds: float = 30.0
    # Orders API 2026-01-01: "The token will expire after 24 hours" (the model's Pagination).
    pagination_token_ttl_seconds: float = 86400.0
    # listFinancialEvents' NextToken: Amazon answers "Token is not valid, token duration is 3 minutes."
    # (public issue threads on amzn/selling-partner-api-models, 2022-2024; earlier reports said 25).
    finance_next_token_ttl_seconds: float = 180.0
    # Finances v0 and 2024-06-19 models: "Orders from the last 48 hours might not be included in financial
    # events." Events are served this long after they were posted (models/finances.py, the nastier reading).
    finance_delay_seconds: float = 172800.0
    # A client needs some real time to use a presigned URL or a short-lived nextToken; scaling
    # those below this floor would fail correct clients, so they never get shorter.
    min_client_window_seconds: float = 5.0

    def __post_init__(self) -> None:
        if self.scale <= 0:
            raise ValueError("time scale must be > 0")

    def scaled(self, seconds: float) -> float:
        return seconds / self.scale

    def finance_delay(self) -> timedelta:
        return timedelta(seconds=self.scaled(self.finance_delay_seconds))

    def client_window(self, seconds: float) -> float:
        return max(seconds / self.scale, self.min_client_window_seconds)

"""Fault injection: parse a readable spec and decide, with a seeded RNG, which requests misbehave.

Spec: clauses separated by `;` (whitespace ignored):
  OP:KIND=P[,KIND=P...]   KIND in 403, 429, 500, 503, drop; P a probability 0..1; OP an operation name
                          (getOrders, downloadReportDocument, ...) or `*` for every operation but the
                          LWA token endpoint (name it `lwaToken` to target it). A named operation
                          overrides `*` for the same KIND.
  drop=P                  same as `*:drop=P`: the connection closes mid-body.
                          (403 is a bare 403: no body, as Amazon's edge and S3 answer now and then)
  truncate_gzip=P         a gzip report document is cut short (the HTTP body completes; gzip is corrupt).
  bad_byte=T[,T..]        flat-file documents of these types carry a 0x81 byte (undefined in Cp1252,
                          invalid in UTF-8) in their second data row.
  bom=T[,T..]             flat-file documents of these types start with a UTF-8 BOM whatever their charset.
  null_records=T[,T..]    JSON documents of these types have `null` where their records arrays belong.
  token_expiry=N          access tokens issued from now on expire after N real seconds.
  report_fatal=T[,T..]    reports of these types end FATAL (`*` = all types).
  report_cancel=T[,T..]   ... end CANCELLED.
  report_stuck=T[,T..]    ... stay IN_PROGRESS forever.
  slow=OP:S[,OP:S..]      responses of OP (or `*`) are delayed S real seconds.
  pagination_expiry=N     the next N searchOrders requests carrying a paginationToken find it expired.
  finance_page_bytes=N    listFinancialEvents pages over N bytes of JSON are refused (Amazon's limit: 10 MB).
  expire_page_tokens=N    the next N NextTokens of listFinancialEvents / listTransactions sent back are
                          refused as expired (Amazon: "Token is not valid, token duration is 3 minutes.").
  seed=N                  the RNG seed (default: the emulator's seed).
Example: `getOrders:429=0.1,500=0.02;*:503=0.02;drop=0.01;truncate_gzip=0.5;token_expiry=120`
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Optional

ERROR_KINDS = ("403", "429", "500", "503")
CONNECTION_KINDS = ("drop",)
LWA_OPERATION = "lwaToken"


class FaultSpecError(ValueError):
    pass


@dataclass
class FaultPlan:
    probabilities: Dict[str, Dict[str, float]] = field(default_factory=dict)  # op -> kind -> p
    truncate_gzip: float = 0.0
    token_expiry_seconds: Optional[float] = None
    report_fatal: FrozenSet[str] = frozenset()
    report_cancel: FrozenSet[str] = frozenset()
    report_stuck: FrozenSet[str] = frozenset()
    bad_byte: FrozenSet[str] = frozenset()
    bom: FrozenSet[str] = frozenset()
    null_records: FrozenSet[str] = frozenset()
    slow: Dict[str, float] = field(default_factory=dict)
    pagination_expiry: int = 0
    finance_page_bytes: Optional[int] = None
    expire_page_tokens: int = 0
    seed: Optional[int] = None
    spec: str = ""

    def probability(self, operation: str, kind: str) -> float:
        named = self.probabilities.get(operation, {})
        if kind in named:
            return named[kind]
        if operation == LWA_OPERATION:
            return 0.0
        return self.probabilities.get("*", {}).get(kind, 0.0)

    def delay(self, operation: str) -> float:
        if operation in self.slow:
            return self.slow[operation]
        if operation == LWA_OPERATION:
            return 0.0
        return self.slow.get("*", 0.0)

    def document_quirk(self, quirk: str, report_type: str) -> bool:
        """Whether documents of this type get the quirk (bad_byte, bom, null_records)."""
        types = getattr(self, quirk)
        return report_type in types or "*" in types

    def report_fate(self, report_type: str) -> Optional[str]:
        """FATAL / CANCELLED / STUCK when a fault names this report type."""
        for fate, types in (("FATAL", self.report_fatal), ("CANCELLED", self.report_cancel),
                            ("STUCK", self.report_stuck)):
            if report_type in types or "*" in types:
                return fate
        return None


def _probability(text: str, clause: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise FaultSpecError(f"not a probability in {clause!r}: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise FaultSpecError(f"probability out of 0..1 in {clause!r}: {text!r}")
    return value


def _seconds(text: str, clause: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise FaultSpecError(f"not a number of seconds in {clause!r}: {text!r}") from None
    if value < 0:
        raise FaultSpecError(f"negative seconds in {clause!r}")
    return value


def _types(text: str) -> FrozenSet[str]:
    return frozenset(t.strip() for t in text.replace("|", ",").split(",") if t.strip())


def parse_fault_spec(spec: Optional[str]) -> FaultPlan:
    plan = FaultPlan(spec=(spec or "").strip())
    if not plan.spec:
        return plan
    for raw in plan.spec.split(";"):
        clause = "".join(raw.split())
        if not clause:
            continue
        head, sep, rest = clause.partition("=")
        if not sep:
            raise FaultSpecError(f"expected KEY=VALUE in {clause!r}")
        if ":" in head:  # OP:KIND=P[,KIND=P]
            operation, _, first_kind = head.partition(":")
            pairs = [f"{first_kind}={rest.split(',', 1)[0]}"] + rest.split(",")[1:]
            target = plan.probabilities.setdefault(operation, {})
            for pair in pairs:
                kind, eq, value = pair.partition("=")
                if not eq or kind not in ERROR_KINDS + CONNECTION_KINDS:
                    raise FaultSpecError(f"unknown fault kind in {clause!r}: {pair!r} "
                                         f"(use {', '.join(ERROR_KINDS + CONNECTION_KINDS)})")
                target[kind] = _probability(value, clause)
        elif head == "drop":
            plan.probabilities.setdefault("*", {})["drop"] = _probability(rest, clause)
        elif head == "truncate_gzip":
            plan.truncate_gzip = _probability(rest, clause)
        elif head == "token_expiry":
            plan.token_expiry_seconds = _seconds(rest, clause)
        elif head == "report_fatal":
            plan.report_fatal = _types(rest)
        elif head == "report_cancel":
            plan.report_cancel = _types(rest)
        elif head == "report_stuck":
            plan.report_stuck = _types(rest)
        elif head in ("bad_byte", "bom", "null_records"):
            setattr(plan, head, _types(rest))
        elif head == "slow":
            for pair in rest.split(","):
                operation, colon, seconds = pair.rpartition(":")
                if not colon or not operation:
                    raise FaultSpecError(f"expected slow=OP:SECONDS in {clause!r}")
                plan.slow[operation] = _seconds(seconds, clause)
        elif head == "pagination_expiry":
            try:
                plan.pagination_expiry = int(rest)
            except ValueError:
                raise FaultSpecError(f"pagination_expiry must be a whole number in {clause!r}") from None
            if plan.pagination_expiry < 0:
                raise FaultSpecError(f"negative pagination_expiry in {clause!r}")
        elif head in ("finance_page_bytes", "expire_page_tokens"):
            try:
                count = int(rest)
            except ValueError:
                raise FaultSpecError(f"{head} must be a whole number in {clause!r}") from None
            if count < 0:
                raise FaultSpecError(f"{head} must not be negative in {clause!r}")
            setattr(plan, head, count)
        elif head == "seed":
            try:
                plan.seed = int(rest)
            except ValueError:
                raise FaultSpecError(f"seed must be an integer in {clause!r}") from None
        else:
            raise FaultSpecError(f"unknown fault clause {clause!r}")
    return plan


class FaultInjector:
    """Holds the active plan and a seeded RNG; every decision is one draw under a lock."""

    def __init__(self, spec: Optional[str] = None, default_seed: int = 0) -> None:
        self._default_seed = default_seed
        self._lock = threading.Lock()
        self.set_spec(spec)

    def set_spec(self, spec: Optional[str]) -> FaultPlan:
        plan = parse_fault_spec(spec)
        with self._lock:
            self.plan = plan
            seed = plan.seed if plan.seed is not None else self._default_seed
            self._rng = random.Random(f"faults:{seed}")
            self._expiries_left = plan.pagination_expiry
            self._page_tokens_to_expire = plan.expire_page_tokens
        return plan

    def expire_page_token(self) -> bool:
        """True for each of the next `expire_page_tokens` page tokens sent back."""
        return self._count_down("_page_tokens_to_expire")

    def _count_down(self, counter: str) -> bool:
        """True while the named one-shot counter lasts, using one of it."""
        with self._lock:
            left = getattr(self, counter)
            if left <= 0:
                return False
            setattr(self, counter, left - 1)
            return True

    def _draw(self, probability: float) -> bool:
        if probability <= 0.0:
            return False
        with self._lock:
            return self._rng.random() < probability

    def error_status(self, operation: str) -> Optional[int]:
        """An injected HTTP status (403/429/500/503) for this request, or None."""
        plan = self.plan
        for kind in ERROR_KINDS:
            if self._draw(plan.probability(operation, kind)):
                return int(kind)
        return None

    def drop_connection(self, operation: str) -> bool:
        return self._draw(self.plan.probability(operation, "drop"))

    def truncate_gzip(self) -> bool:
        return self._draw(self.plan.truncate_gzip)

    def delay(self, operation: str) -> float:
        return self.plan.delay(operation)

    def expire_pagination_token(self) -> bool:
        """True for the next `pagination_expiry` paginated searchOrders requests, then False."""
        return self._count_down("_expiries_left")

"""Small helpers the entities share: money rounding and stable identifiers."""

from __future__ import annotations

import base64
import hashlib
import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..marketplaces import Market


def round_money(value: Decimal, market: Market) -> Decimal:
    step = Decimal("1") if market.whole_units else Decimal("0.01")
    return value.quantize(step, rounding=ROUND_HALF_UP).quantize(Decimal("0.01"))



def stable_id(*parts: Any, length: int = 43) -> str:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:length]


def stable_number(*parts: Any, digits: int = 11) -> str:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()
    return str(int(digest, 16) % (9 * 10 ** (digits - 1)) + 10 ** (digits - 1))


_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def digits(rng: random.Random, n: int) -> str:
    return f"{rng.randrange(10 ** n):0{n}d}"


def alnum(rng: random.Random, n: int) -> str:
    return "".join(rng.choices(_ALNUM, k=n))


def check_digit(body: str) -> str:
    """GS1 check digit (EAN-13 / UPC-A)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)

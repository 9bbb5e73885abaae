"""/_emulator/* admin endpoints for tests, the demo and benchmarks (no auth, no rate limit)."""

from __future__ import annotations

import json
from typing import Any, Dict

from ..exceptions import InvalidInput
from ..faults import FaultSpecError
from ..http_types import Request
from ..timeutil import utcnow


def _body(req: Request) -> Dict[str, Any]:
    if not req.body:
        return {}
    try:
        data = json.loads(req.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidInput("The body must be JSON.") from None
    if not isinstance(data, dict):
        raise InvalidInput("The body must be a JSON object.")
    return data


def health(emu, req: Request):
    return 200, {"status": "ok", "profile": emu.profile, "seed": emu.seed, "timeScale": emu.timing.scale,
                 "sellerId": emu.dataset.seller.seller_id, "vendorCode": emu.dataset.vendor.vendor_code}


def stats(emu, req: Request):
    return 200, emu.stats.snapshot()


def reset_stats(emu, req: Request):
    emu.stats.reset()
    return 200, emu.stats.snapshot()


def truth(emu, req: Request):
    from ..truth import truth as compute

    return 200, compute(emu, account=req.param("account") or "seller", marketplaceId=req.param("marketplaceId"),
                        start=req.param("start"), end=req.param("end"),
                        dateField=req.param("dateField") or "LastUpdateDate",
                        reportTypes=req.params("reportTypes") or None, region=req.param("region"))


def report_truth(emu, req: Request):
    from ..truth import report_truth as compute

    return 200, compute(emu, account=req.param("account") or "seller", reportTypes=req.params("reportTypes") or None)


def get_faults(emu, req: Request):
    return 200, {"spec": emu.faults.plan.spec}


def set_faults(emu, req: Request):
    content_type = (req.headers.get("Content-Type") or "").lower()
    spec = _body(req).get("spec", "") if "json" in content_type or req.body.startswith(b"{") \
        else req.body.decode("utf-8")
    try:
        plan = emu.faults.set_spec(spec)
    except FaultSpecError as error:
        raise InvalidInput(str(error)) from None
    return 200, {"spec": plan.spec}


def mutate(emu, req: Request):
    body = _body(req)
    count = body.get("orders", 1)
    if not isinstance(count, int) or not 1 <= count <= 1000:
        raise InvalidInput("orders must be an integer from 1 to 1000.")
    minutes_ago = body.get("minutesAgo", 3)
    if isinstance(minutes_ago, bool) or not isinstance(minutes_ago, (int, float)) or not 0 <= minutes_ago <= 43200:
        raise InvalidInput("minutesAgo must be a number of minutes from 0 to 43200 (30 days).")
    new_orders = body.get("newOrders", False)
    if not isinstance(new_orders, bool):
        raise InvalidInput("newOrders must be true or false.")
    seller = emu.dataset.seller
    ids = seller.mutate_orders(count, utcnow(), emu.dataset.builder, body.get("marketplaceId"), minutes_ago, new_orders)
    return 200, {"orders": ids}

"""FBA Inventory v1 getInventorySummaries: one marketplace per call, nextToken valid for 30 s."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any, Dict

from ..exceptions import InvalidInput
from ..http_types import Request
from ..models import InventoryLevel
from ..timeutil import iso, parse_iso
from .common import bool_param, date_param

PAGE_SIZE = 50
START_LIMIT = timedelta(days=548)  # 18 months


def summary_json(level: InventoryLevel, details: bool) -> Dict[str, Any]:
    body: Dict[str, Any] = {"asin": level.product.asin, "fnSku": level.product.fnsku,
                            "sellerSku": level.product.sku, "condition": "NewItem"}
    if details:
        body["inventoryDetails"] = {
            "fulfillableQuantity": level.fulfillable,
            "inboundWorkingQuantity": level.inbound_working,
            "inboundShippedQuantity": level.inbound_shipped,
            "inboundReceivingQuantity": level.inbound_receiving,
            "reservedQuantity": {"totalReservedQuantity": level.reserved,
                                 "pendingCustomerOrderQuantity": level.reserved_customer_orders,
                                 "pendingTransshipmentQuantity": level.reserved_fc_transfers,
                                 "fcProcessingQuantity": level.reserved_fc_processing},
            "researchingQuantity": {"totalResearchingQuantity": level.researching, "researchingQuantityBreakdown": [
                {"name": "researchingQuantityInShortTerm", "quantity": level.researching}]},
            "unfulfillableQuantity": {"totalUnfulfillableQuantity": level.unfulfillable,
                                      "customerDamagedQuantity": level.unfulfillable, "warehouseDamagedQuantity": 0,
                                      "distributorDamagedQuantity": 0, "carrierDamagedQuantity": 0,
                                      "defectiveQuantity": 0, "expiredQuantity": 0},
        }
    body.update({"lastUpdatedTime": iso(level.last_updated), "productName": level.product.title(level.market),
                 "totalQuantity": level.total})
    return body


def get_inventory_summaries(emu, req: Request):
    seller = emu.dataset.seller
    if req.param("granularityType") != "Marketplace":
        raise InvalidInput("granularityType is required and must be Marketplace.")
    granularity_id = req.param("granularityId")
    if not granularity_id:
        raise InvalidInput("granularityId is required.")
    markets = req.params("marketplaceIds")
    if len(markets) != 1:
        raise InvalidInput("marketplaceIds is required and accepts exactly one marketplace.")
    if markets[0] not in seller.market_ids() or granularity_id != markets[0]:
        raise InvalidInput(f"Invalid marketplaceIds: '{markets[0]}'.")
    token = req.param("nextToken")
    if token:
        state = emu.page_tokens.decode(token, "nextToken")
        if time.time() > state["expires"]:
            # Amazon's wording (amzn/selling-partner-api-models issue #4946, 2025): the token lives 30 s.
            raise InvalidInput("Next token is invalid or expired")
    else:
        start = date_param(req, "startDateTime")
        if start is not None and start < req.now - START_LIMIT:
            raise InvalidInput("startDateTime must be no earlier than 18 months before now.")
        skus = req.params("sellerSkus")
        if len(skus) > 50:
            raise InvalidInput("sellerSkus accepts at most 50 SKUs.")
        if req.param("sellerSku"):
            skus = [req.param("sellerSku")]
        state = {"start": iso(start) if start else None, "skus": skus, "details": bool_param(req, "details", False),
                 "offset": 0}
    start = parse_iso(state["start"]) if state["start"] else None
    levels = [lvl for lvl in seller.inventory if lvl.market.id == markets[0]
              and (start is None or lvl.last_updated >= start)
              and (not state["skus"] or lvl.product.sku in state["skus"])]
    offset = state["offset"]
    body: Dict[str, Any] = {"payload": {"granularity": {"granularityType": "Marketplace", "granularityId": markets[0]},
                                        "inventorySummaries": [summary_json(lvl, state["details"])
                                                               for lvl in levels[offset:offset + PAGE_SIZE]]}}
    if offset + PAGE_SIZE < len(levels):
        ttl = emu.timing.client_window(emu.timing.fba_next_token_ttl_seconds)
        body["pagination"] = {"nextToken": emu.page_tokens.encode(
            {**state, "offset": offset + PAGE_SIZE, "expires": time.time() + ttl})}
    return 200, body

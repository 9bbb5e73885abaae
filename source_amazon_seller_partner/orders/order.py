"""An Orders record (v0's columns, as 4.6.4 users have them) from a 2026-01-01 order.

Each v0 column is filled from the 2026 field Amazon's migration guide names for it (vocabulary.py spells
the values as v0 did); the 2026 datasets v0 had no column for are added under their own names (`programs`,
`proceeds`, `fulfillment`, `packages`, `tax`, `associatedOrders`, `fulfillmentOrders`). NO_SOURCE lists the
4.6.4 columns Amazon's 2026 API has nothing for: they stay empty on this path.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from .personal import compact, v0_address
from .proceeds import v0_money
from .vocabulary import (FULFILLMENT_CHANNEL, INVOICE_STATUS, ORDER_FLAGS, ORDER_STATUS, PAYMENT_METHOD, REPLACEMENT,
                         SELLER_ORDER_ID, SERVICE_LEVEL_CATEGORY, spelled)

# 4.6.4 Orders columns without a 2026 source (documented in the README's migration section).
NO_SOURCE = ("seller_id", "OrderChannel", "ShipServiceLevel", "EasyShipShipmentStatus", "CbaDisplayableShippingLabel",
             "IsGlobalExpressEnabled", "IsSoldByAB", "IsEstimatedShipDateSet", "PromiseResponseDueDate",
             "HasRegulatedItems", "AutomatedShippingSettings", "FulfillmentInstruction", "MarketplaceTaxInfo",
             "BuyerTaxInformation", "SellerDisplayName")
# The 2026 datasets kept as columns of their own.
NEW_COLUMNS = ("programs", "proceeds", "fulfillment", "packages", "tax", "associatedOrders", "fulfillmentOrders")


def _sum(items: List[Mapping[str, Any]], field: str) -> Optional[int]:
    values = [(item.get("fulfillment") or {}).get(field) for item in items]
    known = [v for v in values if isinstance(v, int)]
    return sum(known) if known and len(known) == len(values) else None


def _payment(order: Mapping[str, Any]) -> Dict[str, Any]:
    executions = [e for e in (order.get("payment") or {}).get("paymentExecutions") or [] if isinstance(e, Mapping)]
    if not executions:
        return {}
    methods = [e.get("paymentMethod") for e in executions if e.get("paymentMethod")]
    method = next((PAYMENT_METHOD[m] for m in methods if m in PAYMENT_METHOD), "Other")
    columns: Dict[str, Any] = {"PaymentMethod": method, "PaymentMethodDetails": methods or None}
    if method == "COD":  # v0 gave the sub-payment breakdown for cash-on-delivery orders
        columns["PaymentExecutionDetail"] = [compact({
            "Payment": v0_money(e.get("paymentAmount")), "PaymentMethod": e.get("paymentMethod"),
            "AcquirerId": e.get("acquirerId"), "CardBrand": e.get("cardBrand"),
            "AuthorizationCode": e.get("authorizationCode")}) for e in executions]
    return columns


def _without_buyer_addresses(tax: Any, include_pii: bool) -> Any:
    """The `tax` column; a buyer's tax registration address is the buyer's address: kept with include_pii only."""
    if include_pii or not isinstance(tax, Mapping) or not tax.get("taxRegistrations"):
        return tax
    registrations = [{k: v for k, v in r.items() if not (k == "taxRegistrationAddress" and r.get("entityType") == "BUYER")}
                     if isinstance(r, Mapping) else r for r in tax["taxRegistrations"]]
    return {**tax, "taxRegistrations": registrations}


def order_record(order: Mapping[str, Any], include_pii: bool) -> Dict[str, Any]:
    fulfillment = order.get("fulfillment") or {}
    items = [i for i in order.get("orderItems") or [] if isinstance(i, Mapping)]
    programs = order.get("programs")
    listed = set(programs or [])
    channel = order.get("salesChannel") or {}
    invoicing = (order.get("tax") or {}).get("taxInvoicing") or {}
    replaced = next((a for a in order.get("associatedOrders") or []
                     if isinstance(a, Mapping) and a.get("associationType") == REPLACEMENT), None)
    address = (order.get("recipient") or {}).get("deliveryAddress")
    packages = order.get("packages") or []
    ship_from = packages[0].get("shipFromAddress") if packages and isinstance(packages[0], Mapping) else None
    buyer = order.get("buyer") if include_pii and isinstance(order.get("buyer"), Mapping) else None
    record: Dict[str, Any] = {
        "AmazonOrderId": order.get("orderId"),
        "SellerOrderId": next((a.get("aliasId") for a in order.get("orderAliases") or []
                               if isinstance(a, Mapping) and a.get("aliasType") == SELLER_ORDER_ID), None),
        "PurchaseDate": order.get("createdTime"),
        "LastUpdateDate": order.get("lastUpdatedTime"),
        "OrderStatus": spelled(ORDER_STATUS, fulfillment.get("fulfillmentStatus")),
        "FulfillmentChannel": spelled(FULFILLMENT_CHANNEL, fulfillment.get("fulfilledBy")),
        "SalesChannel": channel.get("marketplaceName"),
        "OrderTotal": v0_money((order.get("proceeds") or {}).get("grandTotal")),
        "NumberOfItemsShipped": _sum(items, "quantityFulfilled"),
        "NumberOfItemsUnshipped": _sum(items, "quantityUnfulfilled"),
        **_payment(order),
        "MarketplaceId": channel.get("marketplaceId"),
        "ShipmentServiceLevelCategory": spelled(SERVICE_LEVEL_CATEGORY, fulfillment.get("fulfillmentServiceLevel")),
        # 2026 names pre-orders only; v0's other order types (LongLeadTimeOrder, BackOrder, ...) have no source.
        "OrderType": "Preorder" if "PREORDER" in listed else "StandardOrder",
        "EarliestShipDate": (fulfillment.get("shipByWindow") or {}).get("earliestDateTime"),
        "LatestShipDate": (fulfillment.get("shipByWindow") or {}).get("latestDateTime"),
        "EarliestDeliveryDate": (fulfillment.get("deliverByWindow") or {}).get("earliestDateTime"),
        "LatestDeliveryDate": (fulfillment.get("deliverByWindow") or {}).get("latestDateTime"),
        # programs and associatedOrders are in every answer (no includedData): absent means none.
        **{flag: program in listed for flag, program in ORDER_FLAGS.items()},
        "IsReplacementOrder": replaced is not None,
        "ReplacedOrderId": replaced.get("orderId") if replaced else None,
        "IsAccessPointOrder": address.get("addressType") == "PICKUP_POINT" if isinstance(address, Mapping) else None,
        "DefaultShipFromLocationAddress": v0_address(ship_from, include_pii=True),  # the seller's own address
        "BuyerInvoicePreference": invoicing.get("buyerInvoicePreference"),
        "ElectronicInvoiceStatus": spelled(INVOICE_STATUS, invoicing.get("invoiceStatus")),
        "ShippingAddress": v0_address(address, include_pii),
        "BuyerInfo": compact({"BuyerEmail": buyer.get("buyerEmail"), "BuyerName": buyer.get("buyerName"),
                              "PurchaseOrderNumber": buyer.get("buyerPurchaseOrderNumber")}) or None if buyer else None,
        "marketplace_id": channel.get("marketplaceId"),
        "programs": programs,
        "proceeds": order.get("proceeds"),
        "fulfillment": order.get("fulfillment"),
        "packages": order.get("packages"),
        "tax": _without_buyer_addresses(order.get("tax"), include_pii),
        "associatedOrders": order.get("associatedOrders"),
        "fulfillmentOrders": order.get("fulfillmentOrders"),
    }
    return compact(record)

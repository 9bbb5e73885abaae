"""OrderItems records (v0's getOrderItems columns, as 4.6.4 users have them) from a 2026-01-01 order: its
`orderItems`, which every searchOrders answer carries, so no call per order.

Money comes from proceeds.py; the other v0 columns from the item's product, fulfillment, tax, promotion,
cancellation and expense datasets (Amazon's migration guide; vocabulary.py for the spellings). The 2026
datasets are added as columns of their own (`programs`, `proceeds`, `expense`, `promotion`,
`cancellation`, `fulfillment`, `tax`). NO_SOURCE lists the 4.6.4 columns with nothing behind them in 2026.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from .personal import compact, without_gift_message
from .proceeds import gift_wrap, item_amounts, v0_money
from .vocabulary import (CONDITION, CONDITION_SUBTYPE, PRICE_DESIGNATION, TAX_COLLECTION_MODEL, TRANSPARENCY,
                         spelled)

NO_SOURCE = ("ProductInfo", "StoreChainStoreId")
NEW_COLUMNS = ("programs", "proceeds", "expense", "promotion", "cancellation", "fulfillment", "tax")
_CONSTRAINTS = {"palletDelivery": "PalletDelivery", "signatureConfirmation": "SignatureConfirmation",
                "recipientIdentityVerification": "RecipientIdentityVerification",
                "recipientAgeVerification": "RecipientAgeVerification"}


def _measurement(value: Any) -> Optional[Dict[str, Any]]:
    return {"Unit": value.get("unit"), "Value": value.get("value")} if isinstance(value, Mapping) else None


def _substitution(preference: Any) -> Optional[Dict[str, Any]]:
    if not isinstance(preference, Mapping):
        return None
    options = [compact({"ASIN": o.get("asin"), "QuantityOrdered": o.get("quantityOrdered"), "SellerSKU": o.get("sellerSku"),
                        "Title": o.get("title"), "Measurement": _measurement(o.get("measurement"))})
               for o in preference.get("substitutionOptions") or [] if isinstance(o, Mapping)]
    return compact({"SubstitutionType": preference.get("substitutionType"), "SubstitutionOptions": options or None})


def _cancel_request(cancellation: Any) -> Optional[Dict[str, Any]]:
    if not isinstance(cancellation, Mapping):
        return None
    request = cancellation.get("cancellationRequest") or {}
    by_buyer = request.get("requester") == "BUYER"
    return compact({"IsBuyerRequestedCancel": "true" if by_buyer else "false",
                    "BuyerCancelReason": request.get("cancelReason") if by_buyer else None})


def _points(expense: Any) -> Optional[Dict[str, Any]]:
    granted = ((expense or {}).get("pointsCost") or {}).get("pointsGranted") if isinstance(expense, Mapping) else None
    if not isinstance(granted, Mapping):
        return None
    return compact({"PointsNumber": granted.get("pointsNumber"),
                    "PointsMonetaryValue": v0_money(granted.get("pointsMonetaryValue"))})


def _buyer_info(item: Mapping[str, Any], gift: Mapping[str, Any], include_pii: bool) -> Optional[Dict[str, Any]]:
    """v0's item BuyerInfo came with a Restricted Data Token only: here with include_pii only."""
    if not include_pii:
        return None
    url = ((item.get("product") or {}).get("customization") or {}).get("customizedUrl")
    return compact({"BuyerCustomizedInfo": {"CustomizedURL": url} if url else None,
                    "GiftMessageText": gift.get("giftMessage"), "GiftWrapLevel": gift.get("giftWrapLevel"),
                    **gift_wrap(item)}) or None


def item_record(order: Mapping[str, Any], item: Mapping[str, Any], include_pii: bool) -> Dict[str, Any]:
    product = item.get("product") or {}
    condition = product.get("condition") or {}
    fulfillment = item.get("fulfillment") if isinstance(item.get("fulfillment"), Mapping) else None
    shipping = (fulfillment or {}).get("shipping") or {}
    packing = (fulfillment or {}).get("packing") or {}
    gift = packing.get("giftOption") if isinstance(packing.get("giftOption"), Mapping) else {}
    delivery = shipping.get("scheduledDeliveryWindow") or {}
    tax = item.get("tax") if isinstance(item.get("tax"), Mapping) else {}
    collection = next(iter(tax.get("taxCollections") or []), None)
    scheme = next(iter(tax.get("taxCalculationBreakdowns") or []), None)
    programs: List[str] = list(item.get("programs") or [])
    others = [p for p in programs if p != TRANSPARENCY]
    constraints = shipping.get("shippingConstraints") or {}
    requirement = (packing.get("serialNumberRequirement") or {}).get("requirementType")
    record: Dict[str, Any] = {
        "ASIN": product.get("asin"),
        "SellerSKU": product.get("sellerSku"),
        "OrderItemId": item.get("orderItemId"),
        "AssociatedItems": [compact({"OrderId": a.get("orderId"), "OrderItemId": a.get("orderItemId"),
                                     "AssociationType": a.get("associationType")})
                            for a in item.get("associatedOrderItems") or [] if isinstance(a, Mapping)] or None,
        "Title": product.get("title"),
        "QuantityOrdered": item.get("quantityOrdered"),
        "QuantityShipped": (fulfillment or {}).get("quantityFulfilled"),
        "PointsGranted": _points(item.get("expense")),
        **item_amounts(item),
        "PromotionIds": [b.get("promotionId") for b in (item.get("promotion") or {}).get("breakdowns") or []
                         if isinstance(b, Mapping) and b.get("promotionId")] or None,
        "IsGift": None if fulfillment is None else ("true" if gift else "false"),
        "ConditionNote": condition.get("conditionNote"),
        "ConditionId": spelled(CONDITION, condition.get("conditionType")),
        "ConditionSubtypeId": spelled(CONDITION_SUBTYPE, condition.get("conditionSubtype")),
        "ScheduledDeliveryStartDate": delivery.get("earliestDateTime"),
        "ScheduledDeliveryEndDate": delivery.get("latestDateTime"),
        "PriceDesignation": spelled(PRICE_DESIGNATION, (product.get("price") or {}).get("priceDesignation")),
        "TaxCollection": compact({"Model": spelled(TAX_COLLECTION_MODEL, collection.get("model")),
                                  "ResponsibleParty": collection.get("responsibleParty")})
        if isinstance(collection, Mapping) else None,
        "SerialNumberRequired": None if fulfillment is None else requirement == "REQUIRED",
        "IsTransparency": TRANSPARENCY in programs,
        "IossNumber": (shipping.get("internationalShipping") or {}).get("iossNumber"),
        "DeemedResellerCategory": scheme.get("reportingScheme") if isinstance(scheme, Mapping) else None,
        "BuyerInfo": _buyer_info(item, gift, include_pii),
        "BuyerRequestedCancel": _cancel_request(item.get("cancellation")),
        "SerialNumbers": product.get("serialNumbers"),
        "SubstitutionPreferences": _substitution(((fulfillment or {}).get("picking") or {}).get("substitutionPreference")),
        "Measurement": _measurement(item.get("measurement")),
        "ShippingConstraints": compact({v0: constraints.get(key) for key, v0 in _CONSTRAINTS.items()}) or None,
        "AmazonPrograms": {"Programs": others} if others else None,
        "AmazonOrderId": order.get("orderId"),
        "LastUpdateDate": order.get("lastUpdatedTime"),
        "marketplace_id": (order.get("salesChannel") or {}).get("marketplaceId"),
        "programs": item.get("programs"),
        "proceeds": item.get("proceeds"),
        "expense": item.get("expense"),
        "promotion": item.get("promotion"),
        "cancellation": item.get("cancellation"),
        "fulfillment": fulfillment if include_pii else without_gift_message(fulfillment),
        "tax": item.get("tax"),
    }
    return compact(record)


def item_records(order: Mapping[str, Any], include_pii: bool) -> List[Dict[str, Any]]:
    return [item_record(order, item, include_pii) for item in order.get("orderItems") or [] if isinstance(item, Mapping)]

"""Personal data on the 2026 path: addresses in v0's shape, OrderBuyerInfo and OrderAddress records, what
is removed when `include_pii` is off, and the warning when Amazon leaves it out for a missing role.

Orders API 2026-01-01 takes no Restricted Data Token: the app's roles decide (Amazon's "Access Orders
PII"). Personal fields: buyer e-mail and name, the recipient's name, street lines, postal code, phone and
extended fields, gift messages and customized-product URLs. With `include_pii` off they are removed here
even when the app's roles would show them, so a sync never carries what the user did not ask for (v0's
plain token gave the same limited address: city, region, country; Amazon now counts the postal code as
personal data too). With `include_pii` on and a role missing, Amazon answers without those fields; the
first order that should have had them names the role and the dataset in a warning (once per sync).
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Dict, Mapping, Optional, Set, Tuple

from .vocabulary import ADDRESS_TYPE, spelled

logger = logging.getLogger("airbyte")

PERSONAL_ADDRESS_FIELDS = frozenset({"name", "addressLine1", "addressLine2", "addressLine3", "postalCode", "phone",
                                     "extendedFields"})
_ADDRESS = {"name": "Name", "companyName": "CompanyName", "addressLine1": "AddressLine1", "addressLine2": "AddressLine2",
            "addressLine3": "AddressLine3", "city": "City", "districtOrCounty": "County", "stateOrRegion": "StateOrRegion",
            "municipality": "Municipality", "postalCode": "PostalCode", "countryCode": "CountryCode", "phone": "Phone"}
_EXTENDED = {"streetName": "StreetName", "streetNumber": "StreetNumber", "complement": "Complement",
             "neighborhood": "Neighborhood"}
SHIPPABLE = frozenset({"UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED"})


def compact(record: Mapping[str, Any]) -> Dict[str, Any]:
    """The record without the columns that have no value."""
    return {key: value for key, value in record.items() if value is not None}


def v0_address(address: Any, include_pii: bool) -> Optional[Dict[str, Any]]:
    """recipient.deliveryAddress or a package's shipFromAddress in v0's Address shape."""
    if not isinstance(address, Mapping):
        return None
    result = {v0: address[key] for key, v0 in _ADDRESS.items()
              if key in address and (include_pii or key not in PERSONAL_ADDRESS_FIELDS)}
    extended = address.get("extendedFields")
    if include_pii and isinstance(extended, Mapping):
        result["ExtendedFields"] = {v0: extended[key] for key, v0 in _EXTENDED.items() if key in extended}
    if address.get("addressType"):
        result["AddressType"] = spelled(ADDRESS_TYPE, address["addressType"])
    return result or None


def without_gift_message(fulfillment: Any) -> Any:
    """An item's `fulfillment` without the gift message (personal data) when include_pii is off."""
    gift = ((fulfillment or {}).get("packing") or {}).get("giftOption") if isinstance(fulfillment, Mapping) else None
    if not isinstance(gift, Mapping) or "giftMessage" not in gift:
        return fulfillment
    packing = {**fulfillment["packing"], "giftOption": {k: v for k, v in gift.items() if k != "giftMessage"}}
    return {**fulfillment, "packing": packing}


def _order_fields(order: Mapping[str, Any]) -> Dict[str, Any]:
    return {"AmazonOrderId": order.get("orderId"), "LastUpdateDate": order.get("lastUpdatedTime"),
            "marketplace_id": (order.get("salesChannel") or {}).get("marketplaceId")}


def buyer_info_record(order: Mapping[str, Any], include_pii: bool) -> Dict[str, Any]:
    """OrderBuyerInfo: v0's getOrderBuyerInfo from the BUYER dataset (asked for with include_pii only)."""
    buyer = order.get("buyer") if include_pii else None
    buyer = buyer if isinstance(buyer, Mapping) else {}
    return compact({**_order_fields(order), "BuyerEmail": buyer.get("buyerEmail"), "BuyerName": buyer.get("buyerName"),
                    "PurchaseOrderNumber": buyer.get("buyerPurchaseOrderNumber")})


def address_record(order: Mapping[str, Any], include_pii: bool) -> Dict[str, Any]:
    """OrderAddress: v0's getOrderAddress from the RECIPIENT dataset."""
    recipient = order.get("recipient") if isinstance(order.get("recipient"), Mapping) else {}
    buyer = order.get("buyer") if include_pii and isinstance(order.get("buyer"), Mapping) else {}
    return compact({**_order_fields(order), "BuyerCompanyName": buyer.get("buyerCompanyName"),
                    "ShippingAddress": v0_address(recipient.get("deliveryAddress"), include_pii),
                    "DeliveryPreferences": _delivery_preferences(recipient.get("deliveryPreference"))})


def _delivery_preferences(preference: Any) -> Optional[Dict[str, Any]]:
    if not isinstance(preference, Mapping):
        return None

    def intervals(windows: Any) -> list:
        return [{"StartTime": _hour_minute(w.get("startTime")), "EndTime": _hour_minute(w.get("endTime"))}
                for w in windows or [] if isinstance(w, Mapping)]

    time = preference.get("deliveryTime") if isinstance(preference.get("deliveryTime"), Mapping) else {}
    preferred = compact({
        "BusinessHours": [{"DayOfWeek": h.get("dayOfWeek"), "OpenIntervals": intervals(h.get("timeWindows"))}
                          for h in time.get("businessHours") or [] if isinstance(h, Mapping)] or None,
        "ExceptionDates": [{"ExceptionDate": e.get("exceptionDate"), "IsOpen": e.get("exceptionDateType") == "OPEN",
                            "OpenIntervals": intervals(e.get("timeWindows"))}
                           for e in time.get("exceptionDates") or [] if isinstance(e, Mapping)] or None,
    })
    return compact({"DropOffLocation": preference.get("dropOffLocation"),
                    "AddressInstructions": preference.get("addressInstruction"),
                    "PreferredDeliveryTime": preferred or None,
                    "OtherAttributes": preference.get("deliveryCapabilities")}) or None


def _hour_minute(value: Any) -> Optional[Dict[str, Any]]:
    return {"Hour": value.get("hour"), "Minute": value.get("minute")} if isinstance(value, Mapping) else None


class MissingRoles:
    """Watches the orders of a sync with include_pii on and warns, once per dataset and role, when Amazon
    left out personal data an order of that kind carries for an app with the role."""

    def __init__(self, included: Tuple[str, ...]) -> None:
        self._included = frozenset(included)
        self._warned: Set[Tuple[str, str]] = set()
        self._lock = threading.Lock()

    def observe(self, order: Mapping[str, Any]) -> None:
        fulfillment = order.get("fulfillment") or {}
        if fulfillment.get("fulfillmentStatus") not in SHIPPABLE:
            return
        if "RECIPIENT" in self._included:
            address = (order.get("recipient") or {}).get("deliveryAddress") or {}
            if address and not (address.get("name") or address.get("addressLine1")):
                self._warn("RECIPIENT", "Direct-to-Consumer Delivery", "the recipient's name and street")
        if "BUYER" in self._included:
            buyer = order.get("buyer") or {}
            # Amazon: the e-mail is only for merchant-fulfilled orders.
            if fulfillment.get("fulfilledBy") == "MERCHANT" and not buyer.get("buyerEmail"):
                self._warn("BUYER", "Direct-to-Consumer Delivery", "the buyer's e-mail")
            if not buyer.get("buyerName"):
                self._warn("BUYER", "Tax Invoicing or Tax Remittance", "the buyer's name")

    def _warn(self, dataset: str, role: str, what: str) -> None:
        with self._lock:
            if (dataset, role) in self._warned:
                return
            self._warned.add((dataset, role))
        logger.warning(
            "include_pii is on, but Amazon answered searchOrders (includedData %s) without %s: the app lacks the "
            "'%s (Restricted)' role for this selling partner. The sync goes on without it; add the role to the app "
            "in the Developer Console and authorise the app again to get it.", dataset, what, role)

"""Sellers v1: getMarketplaceParticipations (seller and vendor) and getAccount."""

from __future__ import annotations

from typing import Any, Dict

from ..http_types import Request
from ..marketplaces import Market


def _marketplace(market: Market) -> Dict[str, Any]:
    return {"id": market.id, "name": market.sales_channel, "countryCode": "GB" if market.code == "UK" else market.code,
            "defaultCurrencyCode": market.currency, "defaultLanguageCode": market.language_code,
            "domainName": market.domain}


def _participations(account) -> list:
    store = "Emulator Store" if account.account_type == "seller" else "Emulator Vendor"
    return [{"marketplace": _marketplace(m), "participation": {"isParticipating": True, "hasSuspendedListings": False},
             "storeName": store} for m in account.markets]


def marketplace_participations(emu, req: Request):
    account = emu.dataset.account(req.token.account_type)
    return 200, {"payload": _participations(account)}


def account(emu, req: Request):
    seller = emu.dataset.seller
    return 200, {"payload": {
        "marketplaceParticipationList": _participations(seller),
        "businessType": "PRIVATE_LIMITED",
        "sellingPlan": "PROFESSIONAL",
        "business": {"name": "Emulator Handels GmbH",
                     "registeredBusinessAddress": {"addressLine1": "Große Fleischergasse 4", "city": "Leipzig",
                                                   "postalCode": "04109", "countryCode": "DE"}},
    }}

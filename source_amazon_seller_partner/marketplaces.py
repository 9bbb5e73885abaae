"""The one table of SP-API marketplaces: country code -> marketplace id -> region -> endpoints.

Everything else in the connector (config normalisation, charsets, docs) reads this table; nothing
else spells a marketplace id or an endpoint host. The emulator keeps its own table: it is a witness.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List

LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"

ENDPOINTS = {
    "NA": {"PRODUCTION": "https://sellingpartnerapi-na.amazon.com", "SANDBOX": "https://sandbox.sellingpartnerapi-na.amazon.com"},
    "EU": {"PRODUCTION": "https://sellingpartnerapi-eu.amazon.com", "SANDBOX": "https://sandbox.sellingpartnerapi-eu.amazon.com"},
    "FE": {"PRODUCTION": "https://sellingpartnerapi-fe.amazon.com", "SANDBOX": "https://sandbox.sellingpartnerapi-fe.amazon.com"},
}


@dataclass(frozen=True)
class Marketplace:
    country_code: str
    marketplace_id: str
    region: str
    domain: str
    currency: str
    # Charset Amazon uses for this marketplace's flat-file reports when Content-Type names none.
    default_charset: str = "cp1252"
    # How the seller feedback report writes its dates here (strptime; one or two digits per field).
    # Public record: the per-marketplace map of Airbyte's published connector 4.6.4, whose users'
    # files it parses: D/M/YY unless listed otherwise.
    short_date: str = "%d/%m/%y"


_MARKETPLACES: List[Marketplace] = [
    Marketplace("CA", "A2EUQ1WTGCTBG2", "NA", "amazon.ca", "CAD"),
    Marketplace("US", "ATVPDKIKX0DER", "NA", "amazon.com", "USD", short_date="%m/%d/%y"),
    Marketplace("MX", "A1AM78C64UM0Y8", "NA", "amazon.com.mx", "MXN"),
    Marketplace("BR", "A2Q3Y263D00KWC", "NA", "amazon.com.br", "BRL"),
    Marketplace("IE", "A28R8C7NBKEWEA", "EU", "amazon.ie", "EUR"),
    Marketplace("ES", "A1RKKUPIHCS9HS", "EU", "amazon.es", "EUR"),
    Marketplace("UK", "A1F83G8C2ARO7P", "EU", "amazon.co.uk", "GBP"),
    Marketplace("FR", "A13V1IB3VIYZZH", "EU", "amazon.fr", "EUR"),
    Marketplace("BE", "AMEN7PMS3EDWL", "EU", "amazon.com.be", "EUR"),
    Marketplace("NL", "A1805IZSGTT6HS", "EU", "amazon.nl", "EUR"),
    Marketplace("DE", "A1PA6795UKMFR9", "EU", "amazon.de", "EUR", short_date="%d.%m.%y"),
    Marketplace("IT", "APJ6JRA9NG5V4", "EU", "amazon.it", "EUR"),
    Marketplace("SE", "A2NODRKZP88ZB9", "EU", "amazon.se", "SEK", short_date="%Y-%m-%d"),
    Marketplace("ZA", "AE08WJ6YKNBMC", "EU", "amazon.co.za", "ZAR"),
    Marketplace("PL", "A1C3SOZRARQ6R3", "EU", "amazon.pl", "PLN"),
    Marketplace("EG", "ARBP9OOSHTCHU", "EU", "amazon.eg", "EGP"),
    Marketplace("TR", "A33AVAJ2PDY3EV", "EU", "amazon.com.tr", "TRY"),
    Marketplace("SA", "A17E79C6D8DWNP", "EU", "amazon.sa", "SAR"),
    Marketplace("AE", "A2VIGQ35RCS4UG", "EU", "amazon.ae", "AED"),
    Marketplace("IN", "A21TJRUUN4KGV", "EU", "amazon.in", "INR"),
    Marketplace("SG", "A19VAU5U5O7RUS", "FE", "amazon.sg", "SGD"),
    Marketplace("AU", "A39IBJ37TRP1C6", "FE", "amazon.com.au", "AUD"),
    Marketplace("JP", "A1VC38T7YXB528", "FE", "amazon.co.jp", "JPY", default_charset="shift_jis", short_date="%y/%m/%d"),
]

BY_COUNTRY: Dict[str, Marketplace] = {m.country_code: m for m in _MARKETPLACES}
BY_COUNTRY["GB"] = BY_COUNTRY["UK"]  # Amazon's docs and the published connector accept both
BY_ID: Dict[str, Marketplace] = {m.marketplace_id: m for m in _MARKETPLACES}
# Finance events name the marketplace by its site ("Amazon.de"), not by id.
BY_SITE_NAME: Dict[str, str] = {m.domain.capitalize(): m.marketplace_id for m in _MARKETPLACES}


def endpoint(region: str, environment: str = "PRODUCTION") -> str:
    return ENDPOINTS[region][environment.upper()]

"""Amazon's marketplaces as the emulator knows them (its own table, not the connector's).

Ids and regions: Amazon's "Marketplace IDs" page of the SP-API documentation (copied into the
project's spapi-facts.md). Currency, language, domain and sales channel: the values Amazon's
Sellers API returns in `marketplace` objects (defaultCurrencyCode, defaultLanguageCode,
domainName) and the `SalesChannel` of Orders v0 (e.g. `Amazon.co.uk`).
The emulator's dataset uses the six marketplaces of `MARKETS`; `MARKETPLACE_IDS` is the full table.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Dict

# code -> (marketplace id, region), from Amazon's marketplace id table.
MARKETPLACE_IDS: Dict[str, tuple] = {
    "CA": ("A2EUQ1WTGCTBG2", "NA"), "US": ("ATVPDKIKX0DER", "NA"), "MX": ("A1AM78C64UM0Y8", "NA"),
    "BR": ("A2Q3Y263D00KWC", "NA"), "IE": ("A28R8C7NBKEWEA", "EU"), "ES": ("A1RKKUPIHCS9HS", "EU"),
    "UK": ("A1F83G8C2ARO7P", "EU"), "FR": ("A13V1IB3VIYZZH", "EU"), "BE": ("AMEN7PMS3EDWL", "EU"),
    "NL": ("A1805IZSGTT6HS", "EU"), "DE": ("A1PA6795UKMFR9", "EU"), "IT": ("APJ6JRA9NG5V4", "EU"),
    "SE": ("A2NODRKZP88ZB9", "EU"), "ZA": ("AE08WJ6YKNBMC", "EU"), "PL": ("A1C3SOZRARQ6R3", "EU"),
    "EG": ("ARBP9OOSHTCHU", "EU"), "TR": ("A33AVAJ2PDY3EV", "EU"), "SA": ("A17E79C6D8DWNP", "EU"),
    "AE": ("A2VIGQ35RCS4UG", "EU"), "IN": ("A21TJRUUN4KGV", "EU"), "SG": ("A19VAU5U5O7RUS", "FE"),
    "AU": ("A39IBJ37TRP1C6", "FE"), "JP": ("A1VC38T7YXB528", "FE"),
}


@dataclass(frozen=True)
class Market:
    code: str
    id: str
    region: str
    currency: str
    language_code: str  # e.g. de_DE
    lang: str  # en / de / fr / ja: which text the dataset uses
    domain: str
    sales_channel: str
    tax_rate: Decimal
    fx: Decimal  # price multiplier from the dataset's USD base prices

    @property
    def whole_units(self) -> bool:
        return self.currency == "JPY"

    @property
    def country(self) -> str:
        """ISO country code (Amazon's marketplace code UK is country GB)."""
        return "GB" if self.code == "UK" else self.code


def _market(code: str, currency: str, language_code: str, lang: str, domain: str, tax: str, fx: str) -> Market:
    marketplace_id, region = MARKETPLACE_IDS[code]
    channel = "Amazon." + domain.split("amazon.", 1)[1]
    return Market(code=code, id=marketplace_id, region=region, currency=currency, language_code=language_code,
                  lang=lang, domain=domain, sales_channel=channel, tax_rate=Decimal(tax), fx=Decimal(fx))


# The marketplaces the emulator's accounts sell in.
MARKETS: Dict[str, Market] = {m.code: m for m in [
    _market("US", "USD", "en_US", "en", "www.amazon.com", "0.08", "1"),
    _market("CA", "CAD", "en_CA", "en", "www.amazon.ca", "0.13", "1.35"),
    _market("DE", "EUR", "de_DE", "de", "www.amazon.de", "0.19", "0.92"),
    _market("FR", "EUR", "fr_FR", "fr", "www.amazon.fr", "0.20", "0.92"),
    _market("UK", "GBP", "en_GB", "en", "www.amazon.co.uk", "0.20", "0.79"),
    _market("JP", "JPY", "ja_JP", "ja", "www.amazon.co.jp", "0.10", "150"),
]}
MARKETS_BY_ID: Dict[str, Market] = {m.id: m for m in MARKETS.values()}

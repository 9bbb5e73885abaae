"""The mocked SP-API every unit test talks to, and a config pointing at it."""

from typing import Any, Dict

API = "https://sp.test"
LWA = "https://lwa.test/auth/o2/token"
US, CA = "ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"
SELLER = "A1UNITSELLER"


def config(**extra: Any) -> Dict[str, Any]:
    return {
        "aws_environment": "PRODUCTION",
        "region": "US",
        "account_type": "Seller",
        "lwa_app_id": "amzn1.application-oa2-client.unit",
        "lwa_client_secret": "unit-client-secret",
        "refresh_token": "Atzr|unit-refresh-token",
        "api_url": API,
        "lwa_url": LWA,
        "seller_id": SELLER,
        **extra,
    }

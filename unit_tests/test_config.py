from datetime import datetime, timezone

import pytest

from source_amazon_seller_partner.config import normalize_config
from source_amazon_seller_partner.errors import ConfigError

NOW = datetime(2026, 11, 22, 12, 0, 0, tzinfo=timezone.utc)
BASE = {
    "aws_environment": "PRODUCTION",
    "region": "US",
    "account_type": "Seller",
    "lwa_app_id": "amzn1.application-oa2-client.test",
    "lwa_client_secret": "client-secret-value",
    "refresh_token": "Atzr|refresh-token-value",
}


def test_region_picks_endpoint_and_home_marketplace():
    config = normalize_config({**BASE, "region": "DE"}, now=NOW)
    assert config["_api_url"] == "https://sellingpartnerapi-eu.amazon.com"
    assert config["_marketplace_ids"] == ["A1PA6795UKMFR9"]
    assert config["_lwa_url"] == "https://api.amazon.com/auth/o2/token"


def test_sandbox_and_overrides():
    assert normalize_config({**BASE, "aws_environment": "SANDBOX", "region": "JP"}, now=NOW)["_api_url"] == (
        "https://sandbox.sellingpartnerapi-fe.amazon.com"
    )
    config = normalize_config({**BASE, "api_url": "http://127.0.0.1:9000/", "lwa_url": "http://127.0.0.1:9000/auth/o2/token"}, now=NOW)
    assert config["_api_url"] == "http://127.0.0.1:9000"
    assert config["_lwa_url"] == "http://127.0.0.1:9000/auth/o2/token"


def test_several_marketplaces_of_one_region_gb_alias():
    config = normalize_config({**BASE, "region": "GB", "marketplaces": ["UK", "de", "FR", "GB"]}, now=NOW)
    assert config["_marketplace_ids"] == ["A1F83G8C2ARO7P", "A1PA6795UKMFR9", "A13V1IB3VIYZZH"]


def test_marketplace_of_other_region_is_a_config_error():
    with pytest.raises(ConfigError, match="EU region"):
        normalize_config({**BASE, "marketplaces": ["US", "DE"]}, now=NOW)


def test_start_date_clamped_to_two_years_and_end_defaults_to_now():
    config = normalize_config({**BASE, "replication_start_date": "2017-01-25T00:00:00Z"}, now=NOW)
    assert config["_start_date"] == "2024-11-22T12:00:00Z"
    assert config["_end_date"] == "2026-11-22T12:00:00Z"
    # REST queries stop at least two minutes before now.
    assert config["_rest_end_date"] == "2026-11-22T11:57:30Z"


def test_published_connector_config_validates_unchanged():
    published = {
        **BASE,
        "auth_type": "oauth2.0",
        "app_id": "amzn1.sp.solution.x",
        "replication_start_date": "2026-01-25T00:00:00Z",
        "replication_end_date": "",
        "period_in_days": 30,
        "report_options_list": [
            {"report_name": "GET_SALES_AND_TRAFFIC_REPORT", "stream_name": "GET_SALES_AND_TRAFFIC_REPORT",
             "options_list": [{"option_name": "dateGranularity", "option_value": "DAY"}]}
        ],
        "wait_to_avoid_fatal_errors": False,
        "financial_events_step": "180",
    }
    config = normalize_config(published, known_report_names=["GET_SALES_AND_TRAFFIC_REPORT"], now=NOW)
    assert config["_start_date"] == "2026-01-25T00:00:00Z"


@pytest.mark.parametrize(
    "change, fragment",
    [
        ({"replication_start_date": "2026-13-01T00:00:00Z"}, "not a valid date-time"),
        ({"replication_start_date": "2027-01-01T00:00:00Z"}, "in the future"),
        ({"replication_start_date": "2026-06-01T00:00:00Z", "replication_end_date": "2026-05-01T00:00:00Z"}, "must be after"),
        ({"region": "XX"}, "'region'"),
        ({"refresh_token": "  "}, "'refresh_token'"),
        ({"lwa_client_secret": " secret"}, "spaces"),
        ({"financial_events_step": "365"}, "financial_events_step"),
        ({"period_in_days": 0}, "period_in_days"),
    ],
)
def test_bad_values_name_what_to_fix(change, fragment):
    with pytest.raises(ConfigError, match=fragment) as error:
        normalize_config({**BASE, **change}, known_report_names=["GET_X"], now=NOW)
    assert "\n" not in error.value.message

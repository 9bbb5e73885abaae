"""How the Builder edition calls SP-API: LWA token, error handler, requester, API budget.

The full connector's transport (transport.py, auth.py, rate_limits.py) in the CDK's own parts:
- LWA: SessionTokenAuthenticator posts the refresh token to the token URL and sends the access token in
  `x-amz-access-token`. It renews the token on a clock (50 minutes; Amazon's last 60) and cannot renew it
  on Amazon's 403 "expired" answer, so that answer fails the request as transient.
- The error handler is manifest.yaml's `definitions/error_handler` with the CDK's exponential backoff in
  place of the connector's capped one, and without the expired-token refresh.
- The API budget has one moving-window policy per SP-API operation of rate_limits.OPERATIONS: `burst`
  calls per `burst / rate` seconds, never more than Amazon's token bucket admits, the same rate over time.
  Limits Amazon raises for an account (x-amzn-RateLimit-Limit) are not learnt.
"""

from __future__ import annotations

import copy
from typing import Any, Dict, List, Mapping

from source_amazon_seller_partner.rate_limits import OPERATIONS

# Amazon's access tokens live 3600 s (LWA's expires_in); renewing after 50 minutes leaves a margin.
TOKEN_RENEWAL = "PT50M"
TOKEN_HEADER = "x-amz-access-token"
# The CDK's exponential backoff (factor * 2^attempt, no cap): 1, 2, 4 ... 512 s, about 17 minutes in all,
# close to the full connector's 20 retries of at most 30 s each.
MAX_RETRIES = 10
BACKOFF_FACTOR = 1

_EXPIRED_TOKEN_PREDICATE = (
    "{{ (response.get('errors') or [{}])[0].get('code') == 'Unauthorized' and 'expired' in "
    "(((response.get('errors') or [{}])[0].get('details') or '') ~ ' ' ~ ((response.get('errors') or [{}])[0].get('message') or '')) | lower }}"
)


def authenticator() -> Dict[str, Any]:
    """Login with Amazon: refresh token -> access token, sent in x-amz-access-token."""
    return {
        "type": "SessionTokenAuthenticator",
        "login_requester": {
            "type": "HttpRequester",
            "url_base": "{{ config['_lwa_url'] }}",
            "http_method": "POST",
            "request_body": {
                "type": "RequestBodyUrlEncodedForm",
                "value": {
                    "grant_type": "refresh_token",
                    "refresh_token": "{{ config['refresh_token'] }}",
                    "client_id": "{{ config['lwa_app_id'] }}",
                    "client_secret": "{{ config['lwa_client_secret'] }}",
                },
            },
            "authenticator": {"type": "NoAuth"},
            "error_handler": {
                "type": "DefaultErrorHandler",
                "response_filters": [
                    {
                        # LWA's answers (spapi-facts.md): invalid_client = wrong or expired client secret,
                        # invalid_grant = wrong or revoked refresh token, unauthorized_client.
                        "type": "HttpResponseFilter",
                        "action": "FAIL",
                        "failure_type": "config_error",
                        "http_codes": [400, 401, 403],
                        "error_message": (
                            "Login with Amazon refused the credentials ({{ response.get('error', 'error') }}): "
                            "invalid_client means the LWA client id or secret is wrong or expired (rotate it), "
                            "invalid_grant that the refresh token is wrong or revoked (authorise the app again)."
                        ),
                    }
                ],
            },
        },
        "session_token_path": ["access_token"],
        "expiration_duration": TOKEN_RENEWAL,
        "request_authentication": {
            "type": "ApiKey",
            "inject_into": {"type": "RequestOption", "inject_into": "header", "field_name": TOKEN_HEADER},
        },
    }


def error_handler(full: Mapping[str, Any]) -> Dict[str, Any]:
    """manifest.yaml's error handler without its custom backoff and without the token refresh it cannot do."""
    handler = copy.deepcopy(dict(full))
    handler.pop("max_time", None)  # not part of the CDK's schema
    handler["max_retries"] = MAX_RETRIES
    handler["backoff_strategies"] = [{"type": "ExponentialBackoffStrategy", "factor": BACKOFF_FACTOR}]
    filters: List[Dict[str, Any]] = []
    for response_filter in handler["response_filters"]:
        if response_filter.get("action") == "REFRESH_TOKEN_THEN_RETRY":
            filters.append(
                {
                    "type": "HttpResponseFilter",
                    "action": "FAIL",
                    "failure_type": "transient_error",
                    "predicate": _EXPIRED_TOKEN_PREDICATE,
                    "error_message": (
                        "Amazon says the access token expired before the Builder edition renewed it (every 50 minutes); "
                        "the next sync starts with a new token."
                    ),
                }
            )
        else:
            filters.append(response_filter)
    handler["response_filters"] = filters
    return handler


def requester() -> Dict[str, Any]:
    return {
        "type": "HttpRequester",
        "url_base": "{{ config['_api_url'] }}",
        "http_method": "GET",
        "authenticator": {"$ref": "#/definitions/authenticator"},
        "error_handler": {"$ref": "#/definitions/error_handler"},
    }


def _seconds(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return f"PT{text}S"


def api_budget() -> Dict[str, Any]:
    """One policy per operation, in OPERATIONS' order (the first policy whose matcher matches applies)."""
    policies = []
    for operation in OPERATIONS:
        policies.append(
            {
                "type": "MovingWindowCallRatePolicy",
                "rates": [{"limit": operation.burst, "interval": _seconds(operation.burst / operation.rate)}],
                "matchers": [
                    {"type": "HttpRequestRegexMatcher", "method": operation.method, "url_path_pattern": operation.path.pattern}
                ],
            }
        )
    return {
        "type": "HTTPAPIBudget",
        "policies": policies,
        # SP-API sends neither header; the defaults would be read as numbers if a proxy added them.
        "ratelimit_reset_header": "x-spapi-builder-edition-no-reset-header",
        "ratelimit_remaining_header": "x-spapi-builder-edition-no-remaining-header",
        "status_codes_for_ratelimit_hit": [429],
    }

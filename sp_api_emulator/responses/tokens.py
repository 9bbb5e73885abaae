"""Tokens 2021-03-01 createRestrictedDataToken."""

from __future__ import annotations

from ..http_types import Request


def create_restricted_data_token(emu, req: Request):
    return 200, emu.tokens.create_restricted_data_token(req.token, req.json())

"""The Login with Amazon token endpoint."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from ..exceptions import LwaError
from ..http_types import Request, Response


def _form(req: Request) -> dict:
    content_type = (req.headers.get("Content-Type") or "").lower()
    text = req.body.decode("utf-8", errors="replace")
    if "json" in content_type:
        try:
            data = json.loads(text or "{}")
        except json.JSONDecodeError:
            raise LwaError(400, "invalid_request", "The request body could not be parsed.") from None
        return {k: str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    return {k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()}


def token(emu, req: Request) -> Response:
    try:
        body, cut_short = emu.tokens.exchange(_form(req), req.headers)
    except LwaError as error:
        return Response.json(error.status, error.body(), {"Cache-Control": "no-store"})
    if cut_short:
        emu.stats.fault("lwaToken", "token_expiry")
    return Response.json(200, body, {"Cache-Control": "no-store", "Pragma": "no-cache"})

"""The HTTP server around an Emulator (emulator.py), `RunningEmulator` and `start_emulator`.

Stdlib only (ThreadingHTTPServer, HTTP/1.1 keep-alive). Bodies that are iterables or writers are
streamed with chunked transfer encoding, so no report document is ever held whole in memory.
"""

from __future__ import annotations

import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterable, Optional
from urllib.parse import urlsplit

from .auth import Credentials
from .emulator import DEFAULT_REGION, REGION_PREFIX, REGIONS, Emulator
from .exceptions import InternalFailure
from .http_types import Response
from .timeutil import utcnow
from .timing import Timing
from .truth import report_truth, truth

log = logging.getLogger("sp_api_emulator")


class _ChunkedWriter:
    """File-like object writing HTTP/1.1 chunks of about 64 KB. With `drop`, the first chunk is announced
    whole but only half sent before the connection goes away (the client sees a body cut short)."""

    CHUNK = 64 * 1024

    def __init__(self, wfile, drop: bool = False) -> None:
        self._wfile = wfile
        self._drop = drop
        self._buffer = bytearray()

    def write(self, data: bytes) -> int:
        self._buffer += data
        if len(self._buffer) >= self.CHUNK:
            self._emit()
        return len(data)

    def _emit(self) -> None:
        if not self._buffer:
            return
        data, self._buffer = bytes(self._buffer), bytearray()
        if self._drop:
            self._wfile.write(f"{len(data):X}\r\n".encode() + data[: len(data) // 2])
            self._wfile.flush()
            raise _Dropped()
        self._wfile.write(f"{len(data):X}\r\n".encode() + data + b"\r\n")

    def flush(self) -> None:
        pass  # chunks go out when full or at close

    def close(self) -> None:
        self._emit()
        self._wfile.write(b"0\r\n\r\n")
        self._wfile.flush()


class _Dropped(Exception):
    pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        return "Server"  # Amazon answers with a bare "Server" header

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - BaseHTTPRequestHandler's name
        # Paths may carry presigned signatures; log the method and path only, at debug level.
        log.debug("%s %s", self.command, urlsplit(self.path).path)

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        emulator: Emulator = self.server.emulator  # type: ignore[attr-defined]
        try:
            response = emulator.handle(self.command, self.path, self.headers, body)
        except Exception:  # never leave a client without an answer
            log.exception("request failed: %s %s", self.command, urlsplit(self.path).path)
            response = Response.json(500, InternalFailure().body())
        self._write(response)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _dispatch

    def _write(self, response: Response) -> None:
        body = response.body
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if body is None:
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if isinstance(body, (bytes, bytearray)):
            self.send_header("Content-Length", str(len(body)))
            if response.drop:
                self.send_header("Connection", "close")
            self.end_headers()
            if response.drop:
                self.wfile.write(body[: len(body) // 2])
                self._abort()
                return
            self.wfile.write(body)
            return
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        writer = _ChunkedWriter(self.wfile, drop=response.drop)
        try:
            if callable(body):
                body(writer)
            else:
                for chunk in body:
                    writer.write(chunk)
            writer.close()
        except _Dropped:
            self._abort()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _abort(self) -> None:
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, emulator: Emulator) -> None:
        self.emulator = emulator
        super().__init__(address, _Handler)


class RunningEmulator:
    """A started emulator: its URLs, admin helpers and `stop()`; also a context manager."""

    def __init__(self, emulator: Emulator, server: EmulatorHTTPServer, thread: threading.Thread) -> None:
        self.emulator = emulator
        self._server = server
        self._thread = thread
        host, port = server.server_address[:2]
        self.host, self.port = host, port
        self.api_url = f"http://{host}:{port}"
        self.lwa_url = f"{self.api_url}/auth/o2/token"
        emulator.base_url = self.api_url
        # Amazon's regional endpoints; the bare api_url is NA (emulator.py).
        self.region_urls = {region: self.api_url if region == DEFAULT_REGION else f"{self.api_url}{REGION_PREFIX}{region}"
                            for region in REGIONS}

    @property
    def seller_id(self) -> str:
        """The seller's merchant token (the connector's `seller_id` for Listings/Catalog streams)."""
        return self.emulator.dataset.seller.seller_id

    @property
    def credentials(self) -> Credentials:
        return self.emulator.tokens.credentials

    def stats(self) -> Dict[str, Any]:
        return self.emulator.stats.snapshot()

    def reset_stats(self) -> None:
        self.emulator.stats.reset()

    def truth(self, **params: Any) -> Dict[str, Any]:
        return truth(self.emulator, **params)

    def report_truth(self, **params: Any) -> Dict[str, Any]:
        return report_truth(self.emulator, **params)

    def set_faults(self, spec: Optional[str]) -> None:
        self.emulator.faults.set_spec(spec)

    def mutate(self, orders: int, marketplace_id: Optional[str] = None, minutes_ago: float = 3,
               new_orders: bool = False) -> list:
        seller = self.emulator.dataset.seller
        return seller.mutate_orders(orders, utcnow(), self.emulator.dataset.builder, marketplace_id, minutes_ago,
                                    new_orders)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "RunningEmulator":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def start_emulator(seed: int = 1, profile: str = "small", time_scale: float = 1.0, faults: Optional[str] = None,
                   host: str = "127.0.0.1", port: int = 0, client_id: Optional[str] = None,
                   client_secret: Optional[str] = None, refresh_token: Optional[str] = None,
                   vendor_refresh_token: Optional[str] = None, roles: Optional[Iterable[str]] = None,
                   **timing: float) -> RunningEmulator:
    """Build the dataset, bind, serve in a daemon thread and return once ready.

    `roles`: the roles the app holds (roles.py; default all). Extra keyword arguments override Timing
    fields (e.g. report_processing_seconds=1).
    """
    defaults = Credentials()
    credentials = Credentials(client_id=client_id or defaults.client_id,
                              client_secret=client_secret or defaults.client_secret,
                              seller_refresh_token=refresh_token or defaults.seller_refresh_token,
                              vendor_refresh_token=vendor_refresh_token or defaults.vendor_refresh_token,
                              roles=frozenset(defaults.roles if roles is None else roles))
    emulator = Emulator(seed=seed, profile=profile, faults=faults, credentials=credentials,
                        timing=Timing(scale=time_scale, **timing))
    server = EmulatorHTTPServer((host, port), emulator)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              name="sp-api-emulator", daemon=True)
    thread.start()
    return RunningEmulator(emulator, server, thread)

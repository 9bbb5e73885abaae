"""python -m sp_api_emulator: serve until interrupted; print one JSON line when ready."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading

from .auth import (DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_SELLER_REFRESH_TOKEN,
                   DEFAULT_VENDOR_REFRESH_TOKEN)
from .faults import FaultSpecError, parse_fault_spec
from .dataset import PROFILES
from .roles import parse_roles
from .server import start_emulator


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sp_api_emulator",
                                     description="Local emulator of Amazon SP-API and Login with Amazon.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-scale", type=float, default=1.0,
                        help="K: rates and refills x K; processing times and token lifetimes / K")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="small")
    parser.add_argument("--faults", default=None, help="fault spec, see README.md")
    parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    parser.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET)
    parser.add_argument("--refresh-token", default=DEFAULT_SELLER_REFRESH_TOKEN, help="the seller's refresh token")
    parser.add_argument("--vendor-refresh-token", default=DEFAULT_VENDOR_REFRESH_TOKEN)
    parser.add_argument("--roles", default=None,
                        help="comma-separated roles the app holds (default: all; see roles.py)")
    parser.add_argument("--verbose", action="store_true", help="log each request's method and path to stderr")
    args = parser.parse_args(argv)
    try:
        parse_fault_spec(args.faults)
    except FaultSpecError as error:
        parser.error(f"--faults: {error}")
    if args.roles is not None:
        try:
            args.roles = parse_roles(args.roles)
        except ValueError as error:
            parser.error(f"--roles: {error}")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    running = start_emulator(seed=args.seed, profile=args.profile, time_scale=args.time_scale, faults=args.faults,
                             host=args.host, port=args.port, client_id=args.client_id,
                             client_secret=args.client_secret, refresh_token=args.refresh_token,
                             vendor_refresh_token=args.vendor_refresh_token, roles=args.roles)
    print(json.dumps({"api_url": running.api_url, "lwa_url": running.lwa_url, "region_urls": running.region_urls}),
          flush=True)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    stop.wait()
    running.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

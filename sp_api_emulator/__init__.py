"""A local emulator of Amazon's Selling Partner API and Login with Amazon (see README.md)."""

from .auth import (DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_SELLER_REFRESH_TOKEN,
                   DEFAULT_VENDOR_REFRESH_TOKEN)
from .models import financial_event_key
from .server import Emulator, RunningEmulator, start_emulator

__all__ = ["start_emulator", "RunningEmulator", "Emulator", "financial_event_key", "DEFAULT_CLIENT_ID",
           "DEFAULT_CLIENT_SECRET", "DEFAULT_SELLER_REFRESH_TOKEN", "DEFAULT_VENDOR_REFRESH_TOKEN"]

"""One object per sync, shared by every component and worker thread that the sync builds.

The CDK builds a requester (and its authenticator) per stream, and shares retrievers across worker
threads; the LWA token, the restricted data tokens and the rate-limit buckets must nevertheless be
one per sync. A process runs one sync, so a class-level registry keyed by what identifies the
account (endpoint and credentials) gives each sync its own instance.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Dict, Hashable, Mapping, TypeVar

T = TypeVar("T")


class PerSyncRegistry:
    """Instances by key, created once under a lock."""

    def __init__(self) -> None:
        self._instances: Dict[Hashable, Any] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, create: Callable[[], T]) -> T:
        with self._lock:
            instance = self._instances.get(key)
            if instance is None:
                instance = self._instances[key] = create()
            return instance

    def clear(self) -> None:
        """Forget every instance (tests run several syncs in one process)."""
        with self._lock:
            self._instances.clear()


def account_key(config: Mapping[str, Any]) -> tuple:
    """Amazon meters and authorises per selling partner and app: endpoint plus refresh token."""
    return (config["_api_url"], config["refresh_token"])

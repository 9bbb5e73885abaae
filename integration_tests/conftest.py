"""Fixtures for tests that talk to the local SP-API emulator (sp_api_emulator)."""

from __future__ import annotations

from typing import Callable, Iterator, List

import pytest

from sp_api_emulator import RunningEmulator, start_emulator

# Large enough that report processing (2 s + 5 s) and refills take milliseconds.
FAST_TIME_SCALE = 600.0


@pytest.fixture(scope="session")
def emulator() -> Iterator[RunningEmulator]:
    """One shared emulator: small profile, seed 1, fast time. Do not set faults on it."""
    running = start_emulator(seed=1, profile="small", time_scale=FAST_TIME_SCALE)
    yield running
    running.stop()


@pytest.fixture
def make_emulator() -> Iterator[Callable[..., RunningEmulator]]:
    """A factory for private emulators (faults, time-scale 1, ...); all are stopped after the test.

    make_emulator(time_scale=1, faults="getOrders:500=1", report_processing_seconds=1, ...)
    """
    started: List[RunningEmulator] = []

    def make(**kwargs) -> RunningEmulator:
        kwargs.setdefault("seed", 1)
        kwargs.setdefault("profile", "small")
        kwargs.setdefault("time_scale", FAST_TIME_SCALE)
        running = start_emulator(**kwargs)
        started.append(running)
        return running

    yield make
    for running in started:
        running.stop()

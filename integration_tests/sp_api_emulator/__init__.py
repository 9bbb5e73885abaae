"""Old import path of the emulator, kept only for importers outside this change's reach.

The emulator lives in the top-level package `sp_api_emulator/`; import it from there. This shim
re-exports its public API and goes away once nothing imports `integration_tests.sp_api_emulator`.
"""

from sp_api_emulator import *  # noqa: F401,F403
from sp_api_emulator import __all__  # noqa: F401

"""Wire format per API: turn HTTP requests into calls on the model and the model into Amazon's JSON.

Each handler is `handler(emulator, request) -> Response | (status, payload)`; urls.py names them
as "module.function".
"""

from __future__ import annotations

import importlib
from typing import Callable


def resolve(name: str) -> Callable:
    module_name, _, function = name.partition(".")
    module = importlib.import_module(f"{__name__}.{module_name}")
    return getattr(module, function)

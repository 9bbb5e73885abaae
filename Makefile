# The two commands a new machine needs: `make demo` and `make test` (see README.md).
PYTHON ?= python3
POETRY_VERSION := 2.5.1
VENV := .venv
PY := $(VENV)/bin/python
# Poetry lives in a virtual environment of its own (never the system Python: Debian's refuses pip
# installs, PEP 668). tools/poetry_simple_index.py runs it, reading PyPI through its simple index only
# where the per-version JSON API is not served (it says why).
POETRY_VENV := .poetry
POETRY := POETRY_VIRTUALENVS_IN_PROJECT=true $(POETRY_VENV)/bin/python tools/poetry_simple_index.py

.PHONY: install install-demo test unit emulator integration image demo bench bench-decode builder-edition clean

$(POETRY_VENV)/.installed:
	$(PYTHON) -m venv $(POETRY_VENV)
	$(POETRY_VENV)/bin/python -m pip install -q "poetry==$(POETRY_VERSION)"
	@touch $@

$(VENV)/.installed: pyproject.toml poetry.lock $(POETRY_VENV)/.installed
	$(POETRY) install --with dev --no-interaction
	@touch $@

install: $(VENV)/.installed

install-demo: install
	$(POETRY) install --with dev,demo --no-interaction

# With the demo group: the docs tests check the demo's queries with DuckDB and its table names with PyAirbyte.
test: install-demo
	$(PY) -m pytest -m "not image_tests" -p no:cacheprovider

unit: install
	$(PY) -m pytest unit_tests -q

# The SP-API emulator's own tests (sp_api_emulator/ is stdlib-only; its tests use requests and jsonschema).
emulator: install
	$(PY) -m pytest integration_tests/emulator -q -p no:cacheprovider

image: install
	bash tools/build_image.sh

demo: install-demo
	$(PY) -m demo.run_demo

bench: install
	$(PY) -m bench.bench_sync

bench-decode: install
	$(PY) -m bench.bench_decode

# The Connector Builder edition for Airbyte Cloud: builder/manifest.yaml, written from the full connector's
# manifest, report catalog and schemas (README, "Where it runs"). Commit the file it writes.
builder-edition: install
	$(PY) -m tools.builder_edition

clean:
	rm -rf $(VENV) $(POETRY_VENV) .pytest_cache build dist

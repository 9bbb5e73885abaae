# The two commands a new machine needs: `make demo` and `make test` (see README.md).
PYTHON ?= python3
POETRY_VERSION := 2.5.1
VENV := .venv
PY := $(VENV)/bin/python
# Poetry reads PyPI through its simple index here (tools/poetry_simple_index.py says why).
POETRY := POETRY_VIRTUALENVS_IN_PROJECT=true $(PYTHON) tools/poetry_simple_index.py

.PHONY: install install-demo test unit emulator integration image demo bench bench-decode clean

$(VENV)/.installed: pyproject.toml poetry.lock
	@$(PYTHON) -c "import poetry" 2>/dev/null || $(PYTHON) -m pip install -q "poetry==$(POETRY_VERSION)"
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

clean:
	rm -rf $(VENV) .pytest_cache build dist

# TreEm: `make demo` runs the demo server, `make test` runs the full gate.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test check lint typecheck migrations-check pytest messages install serve clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	TREEM_DEBUG=1 $(PY) manage.py migrate --noinput
	TREEM_DEBUG=1 $(PY) manage.py seed_demo
	TREEM_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	TREEM_DEBUG=1 $(VENV)/bin/mypy treem

migrations-check: $(STAMP)
	TREEM_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

pytest: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

check: lint typecheck migrations-check pytest

test: check

# Vietnamese msgids; English is the second locale, filled from scripts/en_glossary.json.
messages: $(STAMP)
	TREEM_DEBUG=1 $(PY) manage.py makemessages -l en --no-location --no-obsolete -i ".venv/*" -i "var/*" -i "tests/*" -i "bench/*"
	$(PY) scripts/po_fill.py treem/locale/en/LC_MESSAGES/django.po scripts/en_glossary.json
	cd treem && TREEM_DEBUG=1 ../$(PY) ../manage.py compilemessages -l en

clean:
	rm -rf $(VENV) var .mypy_cache .pytest_cache .ruff_cache

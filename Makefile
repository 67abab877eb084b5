# Two entry points for a fresh machine with Python 3.11+ and pip:
#   make demo   set up .venv, install archscan, scan the bundled example plans
#   make test   set up .venv with test extras (and the SARIF multitool), run lint and every test
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out
# Checkov pins an older boto3, so the `checkov` extra gets its own venv (docs/checkov.md).
CHECKOV_VENV ?= .venv-checkov

.PHONY: demo test lint clean help checkov-venv

help:
	@echo "make demo   - install into $(VENV) and run archscan on examples/"
	@echo "make test   - install test extras and run ruff + pytest"

$(BIN)/archscan: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[demo]'
	@touch $@

$(CHECKOV_VENV)/bin/archscan: pyproject.toml
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -e '.[checkov]' 'pytest>=8,<9'
	@touch $@

checkov-venv: $(CHECKOV_VENV)/bin/archscan

$(VENV)/.test-extras: $(BIN)/archscan
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

demo: $(BIN)/archscan
	@mkdir -p $(OUT)
	@echo "== compliant production plan (expect exit 0) =="
	$(BIN)/archscan plan examples/prod-compliant.plan.json --no-color
	@echo
	@echo "== drifted production plan (expect exit 1: findings at or above high) =="
	$(BIN)/archscan plan examples/prod-drifted.plan.json --no-color \
		--json $(OUT)/drifted.json --sarif $(OUT)/drifted.sarif --sarif-force \
		--junit $(OUT)/drifted.xml --markdown $(OUT)/drifted.md \
		--snapshot-out $(OUT)/drifted.inventory.json; \
	code=$$?; echo "exit code $$code; reports in $(OUT)/"; test $$code -eq 1
	@echo
	@echo "== live audit of an organization seeded on a local moto server (expect exit 1) =="
	$(BIN)/archscan demo --no-color --json $(OUT)/demo-live.json; \
	code=$$?; echo "exit code $$code"; test $$code -eq 1

lint: $(VENV)/.test-extras
	$(BIN)/ruff check scanner rules tests examples bench conftest.py
	$(BIN)/ruff format --check scanner rules tests examples bench conftest.py

test: $(VENV)/.test-extras $(CHECKOV_VENV)/bin/archscan
	bash scripts/install-sarif-multitool.sh
	$(MAKE) --no-print-directory lint
	$(BIN)/pytest
	$(CHECKOV_VENV)/bin/pytest -q tests/engine/test_checkov_integration.py

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) $(OUT) build dist .tools *.egg-info

# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PYTHAINLP_OFFLINE := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: run test lint samples clean

$(BIN)/thaireport: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

run: $(BIN)/thaireport
	$(BIN)/thaireport extract samples/ > samples.jsonl
	@$(BIN)/python -c "import json; rs=[json.loads(l) for l in open('samples.jsonl')]; \
	[print(f\"{r['source']:<40} {r['status']:<8} fy={r['fiscal_year']} indicators={len(r['indicators'])} dates={len(r['dates'])} budgets={len(r['budgets'])} entities={len(r['entities'])}\") for r in rs]"
	@echo "records written to samples.jsonl"

test: $(BIN)/thaireport
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -s

samples: $(BIN)/thaireport
	$(BIN)/python scripts/make_samples.py

clean:
	rm -rf $(VENV) samples.jsonl thaireport.db

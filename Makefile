# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PYTHAINLP_OFFLINE := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: run test lint samples bench clean

$(BIN)/thaireport: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

# The main job: the nightly-ingest flow over samples/ into the embedded SQLite database
# (thaireport.db). Without PREFECT_API_URL, Prefect starts a temporary local server for the run.
run: $(BIN)/thaireport
	$(BIN)/thaireport ingest samples/ --db sqlite:///thaireport.db
	@$(BIN)/python -c "import pipeline.storage as s; \
	[print(f'{k:<12} {v:>6} rows') for k, v in s.row_counts(s.engine_for('sqlite:///thaireport.db')).items()]"

test: $(BIN)/thaireport
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -s

samples: $(BIN)/thaireport
	$(BIN)/python scripts/make_samples.py

bench: $(BIN)/thaireport
	$(BIN)/python bench/bench.py

clean:
	rm -rf $(VENV) samples.jsonl thaireport.db

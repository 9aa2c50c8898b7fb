# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PYTHAINLP_OFFLINE := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: run test lint samples bench clean ocr-models

$(BIN)/thaireport: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

# Tesseract's Thai model for OCR of scanned pages (Debian packages; installed when missing and
# root, else named: without it a scanned page is reported with a warning, never a crash).
ocr-models:
	@ls /usr/share/tesseract-ocr/*/tessdata/tha.traineddata >/dev/null 2>&1 || \
	  { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	      apt-get update -q && apt-get install -y -q tesseract-ocr tesseract-ocr-tha tesseract-ocr-eng; \
	    else echo "OCR needs: apt-get install tesseract-ocr tesseract-ocr-tha (scanned pages are skipped meanwhile)"; fi; }

# The main job: the nightly-ingest flow over samples/ into the embedded SQLite database
# (thaireport.db). Without PREFECT_API_URL, Prefect starts a temporary local server for the run.
run: $(BIN)/thaireport ocr-models
	$(BIN)/thaireport ingest samples/ --db sqlite:///thaireport.db
	@$(BIN)/python -c "import pipeline.storage as s; \
	[print(f'{k:<12} {v:>6} rows') for k, v in s.row_counts(s.engine_for('sqlite:///thaireport.db')).items()]"

test: $(BIN)/thaireport ocr-models
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -s

samples: $(BIN)/thaireport
	$(BIN)/python scripts/make_samples.py

bench: $(BIN)/thaireport
	$(BIN)/python bench/bench.py

clean:
	rm -rf $(VENV) samples.jsonl thaireport.db

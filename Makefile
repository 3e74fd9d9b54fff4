# The two commands of README.md: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
export VENV

.PHONY: run test venv lint format messages bench backup schemathesis-long clean-venv

run: venv
	bash scripts/run.sh

test: venv
	bash scripts/test.sh $(PYTEST_ARGS)

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "ERROR: $(PYTHON) not found: install python3 and python3-venv"; exit 1; }
	@$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || bash scripts/system.sh
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The Indonesian catalogues from the source: new strings extracted, translations reused across
# apps, guesses (fuzzy) emptied, .mo compiled; lists what is left to translate (scripts/messages.py).
messages: venv
	$(VENV)/bin/python scripts/messages.py

bench: venv
	$(VENV)/bin/python bench/import_vs_copy.py

# One archive of the database and the media files into BACKUP_DIR (docs/operations.md).
backup: venv
	$(VENV)/bin/python manage.py backup

# The whole API against its OpenAPI schema with a bigger budget than `make test` gives it: every
# phase (examples, coverage, fuzzing, stateful), 25 examples per operation, three tokens. Writes
# its figures to var/schemathesis-long.json (BENCHMARKS.md lists a run).
schemathesis-long: venv
	bash scripts/dotenv.sh
	mkdir -p var
	REDIS_URL=$${TEST_REDIS_URL:-redis://127.0.0.1:6379/14} \
	CACHE_URL=$${TEST_CACHE_URL:-redis://127.0.0.1:6379/15} \
	SCHEMATHESIS_MAX_EXAMPLES=$${SCHEMATHESIS_MAX_EXAMPLES:-25} \
	SCHEMATHESIS_PHASES=$${SCHEMATHESIS_PHASES:-examples,coverage,fuzzing,stateful} \
	SCHEMATHESIS_SUMMARY=$(CURDIR)/var/schemathesis-long.json \
	$(VENV)/bin/pytest tests/portal/test_schemathesis.py -p no:cacheprovider -s -q

clean-venv:
	rm -rf $(VENV)

# The two commands of README.md: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
export VENV

.PHONY: run test venv lint format bench backup clean-venv

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

bench: venv
	$(VENV)/bin/python bench/import_vs_copy.py

# One archive of the database and the media files into BACKUP_DIR (docs/operations.md).
backup: venv
	$(VENV)/bin/python manage.py backup

clean-venv:
	rm -rf $(VENV)

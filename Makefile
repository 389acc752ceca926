# The newcomer's two commands: `make run` (the site with demo data on SQLite) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup demo lint format chromium node_modules clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py load_demo

# The site and a worker beside it (emails, scheduled briefings); Ctrl-C stops both.
run: demo
	@echo ""
	@echo "  Briefing is running at http://$(HOST):$(PORT)/"
	@echo "  Editors' desk: http://$(HOST):$(PORT)/admin/  (user: editor, password: editor)"
	@echo "  Emails are printed here by the worker (the console backend)."
	@echo ""
	DEBUG=true $(BIN)/python manage.py db_worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The browser tests drive Debian's chromium; install it when we may (root), else they say why they skip.
chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq chromium) || echo "chromium missing: browser tests will be skipped"; }

# axe-core (package.json) for the accessibility tests: npm from Debian when we may (root);
# without npm they say why they skip.
node_modules:
	@test -f node_modules/axe-core/axe.min.js || command -v npm >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq npm) || true; }
	@test -f node_modules/axe-core/axe.min.js || { command -v npm >/dev/null 2>&1 && npm ci --no-audit --no-fund || echo "npm missing: accessibility tests will be skipped"; }

test: setup chromium node_modules
	$(BIN)/pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var

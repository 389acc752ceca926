# The newcomer's two commands: `make run` (the site, a worker and the demo data on an embedded
# PostgreSQL under var/postgres/, unless DATABASE_URL is set) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup demo demo-reset lint format chromium node_modules clean

$(STAMP): pyproject.toml
	@# Debian's python3 makes venvs only with python3-venv: installed with apt when we may (root).
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); } || { echo "Cannot create .venv: install python3-venv (apt-get install python3-venv)"; exit 1; }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,test]'
	touch $(STAMP)

setup: $(STAMP)

# The demo goes into an empty database only; demo-reset deletes everything and loads it again.
demo: setup
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py load_demo --if-empty

demo-reset: setup
	DEBUG=true $(BIN)/python manage.py load_demo --reset

# The site and a worker beside it (emails, scheduled briefings), the demo loaded into an empty
# database; Ctrl-C stops both. Links in emails follow HOST and PORT.
run: setup
	DEBUG=true $(BIN)/python manage.py dev $(HOST):$(PORT)

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

# Stops the embedded PostgreSQL first: its data (var/postgres/) goes with var/.
clean:
	-test ! -x $(BIN)/python || $(BIN)/python -c 'from config.embedded_postgres import server; server.stop()'
	rm -rf $(VENV) var

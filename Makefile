# Kreisintegration – the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000

# Development defaults; production sets DEBUG=0 and SECRET_KEY (see .env.example).
export DEBUG ?= 1

# The test suite talks to the real PostgreSQL and Redis on this machine. pytest-xdist runs it in
# TEST_WORKERS processes: worker gwN uses the test database test_<name>_gwN and the Redis database
# TEST_REDIS_URL's number minus N, so with the defaults Redis databases 15, 14, 13 and 12
# (kreisintegration/tests/parallel.py).
TEST_DATABASE_URL ?= postgres://kreisintegration@127.0.0.1:5432/kreisintegration
TEST_REDIS_URL    ?= redis://127.0.0.1:6379/15
TEST_WORKERS      ?= 4

.PHONY: install install-dev lock run migrate seed test lint services worker beat messages clean bench frontend backup restore cluster cluster-test

# Front end: KERN UX from npm, pinned by package-lock.json; reinstalled when the lock file changes.
# The dev dependencies are the test tools (axe-core, HTML_CodeSniffer, vnu-jar). No install scripts
# run: vnu-jar's would download a Java runtime, the tests use the system's Java.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
		echo "npm fehlt: bitte Node.js und npm installieren, z. B. 'sudo apt-get install nodejs npm' (Debian/Ubuntu) oder von https://nodejs.org/."; \
		echo "npm is missing: please install Node.js and npm, e.g. 'sudo apt-get install nodejs npm' (Debian/Ubuntu) or from https://nodejs.org/."; \
		exit 1; }
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

frontend: node_modules/.installed

# Python: the dependencies are declared once in pyproject.toml; requirements.txt (runtime) and
# requirements-dev.txt (runtime + test/lint tools) are the lock files generated from it by `make lock`,
# every package pinned and every file hashed. pip refuses anything whose hash is not in the lock.
$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

## make lock: regenerate requirements.txt and requirements-dev.txt from pyproject.toml (hashes of every
## platform's files, from PyPI). Versions already in the lock files are kept; to move a transitive
## one: make lock LOCK_ARGS="--upgrade-package NAME". The lock tool (uv) lives in its own venv.
LOCK_VENV  ?= .venv-lock
UV_VERSION := 0.13.9
LOCK_ARGS  ?=
UV_COMPILE  = $(LOCK_VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11.5 \
	--generate-hashes --custom-compile-command "make lock" --quiet $(LOCK_ARGS)
lock:
	test -x $(LOCK_VENV)/bin/uv || { $(PYTHON) -m venv $(LOCK_VENV) && \
		$(LOCK_VENV)/bin/python -m pip install --quiet uv==$(UV_VERSION); }
	$(UV_COMPILE) -o requirements.txt
	$(UV_COMPILE) --extra dev --constraint requirements.txt -o requirements-dev.txt

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## make run: install, migrate, load demo data, serve on http://127.0.0.1:$(PORT)
run: install frontend
	$(PY) manage.py migrate --noinput
	PORT=$(PORT) $(PY) manage.py seed_demo
	@echo "Portal: http://127.0.0.1:$(PORT)/"
	PORT=$(PORT) $(PY) manage.py runserver 127.0.0.1:$(PORT)

## make test: lint, migration check, unit/integration tests on PostgreSQL with a real
## Celery worker where needed, browser tests with the accessibility scan. Python's bytecode cache
## is on for the run even where the environment turns it off (PYTHONDONTWRITEBYTECODE): the
## processes the tests start (Celery workers, gunicorn, manage.py) and the next run then load the
## compiled modules and pytest's rewritten test modules instead of compiling them again (__pycache__/
## is ignored by git).
test: install-dev frontend services
	@command -v java >/dev/null 2>&1 || { \
		echo "java fehlt: die Tests prüfen das HTML mit dem Nu Html Checker, z. B. 'sudo apt-get install default-jre-headless'."; \
		echo "java is missing: the tests validate the HTML with the Nu Html Checker, e.g. 'sudo apt-get install default-jre-headless'."; \
		exit 1; }
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
		$(PY) manage.py makemigrations --check --dry-run
	start=$$(date +%s); status=0; \
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) PYTHONDONTWRITEBYTECODE= \
		$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist worksteal || status=$$?; \
	echo "test run: $$(( $$(date +%s) - start )) s ($(TEST_WORKERS) workers)"; exit $$status

## make bench: NRW-scale data (BENCH_SCALE, default 40) in the database ki_bench (ki_bench_<N> for other
## scales, e.g. BENCH_SCALE=400 ≈ Germany), gunicorn (2 workers,
## production settings) and a Celery worker, bounded load; prints one BENCH line per scenario and
## writes bench/results/latest.json (see README, "Performance")
bench: install-dev frontend services
	$(PY) bench/run.py

## make lint: ruff, and mypy (with django-stubs) on the services, selectors and permissions
## (the files are listed in pyproject.toml, [tool.mypy])
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

services:
	bash scripts/ensure-services.sh

## Celery worker and beat (development: REDIS_URL must be set, e.g. redis://127.0.0.1:6379/0)
worker: install
	$(VENV)/bin/celery -A kreisintegration worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A kreisintegration beat --loglevel=INFO

## Backup drill (README "Backups"): database (pg_dump custom format) + media files + manifest.
## make backup [BACKUP_DIR=backups/2026-12-07T0300]; make restore BACKUP_DIR=... RESTORE_DATABASE_URL=postgres://.../empty_db
BACKUP_DIR ?= backups/$(shell date -u +%Y-%m-%dT%H%M%S)
backup: install
	$(PY) -m kreisintegration.backup backup $(BACKUP_DIR)

restore: install
	@test -n "$(RESTORE_DATABASE_URL)" || { echo "RESTORE_DATABASE_URL (an empty database) is required"; exit 2; }
	$(PY) -m kreisintegration.backup restore $(BACKUP_DIR) $(RESTORE_DATABASE_URL) $(RESTORE_MEDIA_ROOT)

## Production topology on this machine (README "Topology and sizing"): HAProxy, two web nodes,
## two workers, one beat, its own Redis. cluster-test: bounded load (logged-in volunteers, registrations)
## while a worker is killed during a concept report build, web node 1 is killed and restarted and
## Redis is restarted; then seats, registrations, mails (queued = delivered) and the report are checked.
cluster: install frontend services
	@command -v haproxy >/dev/null || apt-get install -y -qq haproxy
	$(PY) scripts/cluster.py up

cluster-test: install-dev frontend services
	@command -v haproxy >/dev/null || apt-get install -y -qq haproxy
	$(PY) scripts/cluster.py test

## Regenerate the English catalogue (needs GNU gettext) and compile it
messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=staticfiles --ignore=node_modules
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3 sent-mail

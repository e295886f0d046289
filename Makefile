# Recruit: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi

# After changing what a public page or message says: make catalogs, then translate. The
# catalogs keep their header: without it pybabel compile takes them for fuzzy and skips them.
catalogs: $(VENV)/.runtime
	$(BIN)/pybabel extract --no-location --omit-header -F babel.cfg -k _l -k lazy_gettext -o recruit/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date -i recruit/translations/messages.pot -d recruit/translations

.PHONY: catalogs run test lint format bench bench-quick screenshots clean loadtest loadtest-short faults

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

# Students' languages: the gettext catalogs in the repository, compiled for the app.
CATALOGS := $(patsubst %.po,%.mo,$(wildcard recruit/translations/*/LC_MESSAGES/messages.po))

recruit/translations/%/LC_MESSAGES/messages.mo: recruit/translations/%/LC_MESSAGES/messages.po | $(VENV)/.runtime
	$(BIN)/pybabel compile -d recruit/translations -l $*

# The web server and the delivery worker together (Procfile); Ctrl-C stops both.
run: $(VENV)/.runtime $(CATALOGS)
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(BIN)/honcho --procfile Procfile start

# The Nu HTML checker that tests/test_html_validity.py runs, at the version tests/package-lock.json
# pins. Its install script would fetch a Java runtime from outside: Debian's java serves instead.
# npm gives the jar a fixed old date, so the target is touched to stay newer than the lock.
VNU_JAR := tests/node_modules/vnu-jar/build/dist/vnu.jar

$(VNU_JAR): tests/package.json tests/package-lock.json
	npm ci --prefix tests --ignore-scripts --no-audit --no-fund --fetch-timeout=60000 --fetch-retries=1
	touch -c $@
	test -s $@

# The suite runs in one process per CPU (pytest-xdist, -n auto), each on a database of its
# own (a SQLite file, or a PostgreSQL schema); the tests of one module (or one class) stay
# in one process. TEST_WORKERS=2 sets the number; TEST_WORKERS=0 runs everything in one.
TEST_WORKERS ?= auto

test: $(VENV)/.dev $(CATALOGS) $(VNU_JAR)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadscope

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# 50 students and HR on the board for 30 s, then kill -9 mid-burst; PostgreSQL too when
# TEST_DATABASE_URL is set. Fails on any lost or doubled submission or corrupt history.
loadtest: $(VENV)/.dev $(CATALOGS)
	$(BIN)/python bench/loadtest.py

loadtest-short: $(VENV)/.dev
	$(BIN)/python bench/loadtest.py --short

# What students get while the database cannot write (read-only file, full disk, lock held;
# PostgreSQL terminations when TEST_DATABASE_URL is set), and after. Root for some rows.
faults: $(VENV)/.dev
	$(BIN)/python bench/faults.py

# Seeds scratch databases (1,000 to 100,000 candidates), serves them with gunicorn and
# measures pages and forms against bare baselines; under 10 minutes. See bench/run.py.
bench: $(VENV)/.dev
	$(BIN)/python bench/run.py

bench-quick: $(VENV)/.dev
	$(BIN)/python bench/run.py --quick

screenshots: $(VENV)/.dev
	$(BIN)/python tests/browser/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/node_modules

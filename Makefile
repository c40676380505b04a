# Doorvraag: `make run` and `make test` set everything up from a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PY ?= python3.10
# The evaluation sets written apart from the project (override: make eval-conversations SHARED_EVAL=...).
SHARED_EVAL ?= ../shared/eval
VENV ?= .venv
BIN := $(VENV)/bin
STAMPS := .stamps
SPACY_MODEL ?= .cache/spacy/nl_doorvraag
MODEL := models/doorvraag.tar.gz

# Everything that changes the trained model: training only reruns when one of these changes.
TRAIN_INPUTS := config.yml domain.yml $(wildcard data/*.yml data/nlu/*.yml data/stories/*.yml data/urgency/*.jsonl data/answers/*.jsonl) \
                $(wildcard bot/nlp/*.py) bot/labels.py bot/knowledge/labels.yml bot/knowledge/urgency.yml \
                bot/knowledge/urgency_cues.yml bot/knowledge/openers.yml $(wildcard bot/knowledge/answers/*.yml) bot/answers.py $(SPACY_MODEL)/meta.json

export TF_CPP_MIN_LOG_LEVEL ?= 2
export SQLALCHEMY_SILENCE_UBER_WARNING ?= 1

.PHONY: help setup db run test check soak train eval eval-urgency eval-answers eval-answers-budget eval-confirmation eval-conversations bench bench-analytics bench-answers scaleout validate check-python clean

# The fast tier: what needs no trained model, no server and no browser (tests/conftest.py marks them).
FAST_TESTS := not model and not server and not browser

help:
	@echo "make run    set up (venv, Dutch pipeline, model) and start the bot"
	@echo "make test   set up and run the whole test suite"
	@echo "make check  the inner loop (under 3 minutes): ruff, mypy, and the tests that need no model, server or browser"
	@echo "make soak N=10  the browser, live-server and fault tests N times on a fresh clone; prints the failure count"
	@echo "make train  train the Rasa model when data or config changed"
	@echo "make db     apply the contact-log migrations to DATABASE_URL (default: SQLite)"
	@echo "make eval   5-fold cross-validation (3 fold seeds) with baselines -> reports/nlu.md; redaction precision/recall;"
	@echo "            urgency on independent sets -> reports/urgency.md (make eval-urgency alone)"
	@echo "make bench  benchmarks -> bench/results.md (make bench-analytics: trends and the year report only)"
	@echo "make scaleout  two Rasa instances behind nginx with Redis and PostgreSQL, load test -> bench/scaleout.md"

check-python:
	@command -v $(PY) >/dev/null 2>&1 || { \
	  echo "error: '$(PY)' was not found. Rasa 3.6 needs Python 3.10 (not 3.11)."; \
	  echo "       Install it (e.g. 'pyenv install 3.10' - the .python-version file then selects it)"; \
	  echo "       or point the Makefile at one: make PY=/path/to/python3.10 ..."; exit 1; }
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' || { \
	  echo "error: '$(PY)' is Python $$($(PY) -c 'import platform; print(platform.python_version())'), Rasa 3.6 needs 3.10."; exit 1; }

$(STAMPS)/venv: pyproject.toml constraints.txt | check-python
	@mkdir -p $(STAMPS)
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip==23.3.2"
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[dev]"
	$(BIN)/python -m pip check
	@touch $@

$(SPACY_MODEL)/meta.json: $(STAMPS)/venv bot/nlp/spacy_pipeline.py bot/nlp/lemmas.yml
	$(BIN)/doorvraag build-spacy --out $(SPACY_MODEL)

# The chat widget (rasa-webchat from the npm registry, self-hosted): installed from the lock file, with
# axe-core (a dev dependency) that the accessibility tests inject into the pages.
$(STAMPS)/webchat: web/chat/package.json web/chat/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "error: npm was not found; the chat page needs Node.js and npm (apt-get install nodejs npm)"; exit 1; }
	@mkdir -p $(STAMPS)
	cd web/chat && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

setup: $(STAMPS)/venv $(SPACY_MODEL)/meta.json $(STAMPS)/webchat

$(MODEL): $(TRAIN_INPUTS) | $(STAMPS)/venv
	$(BIN)/rasa train --fixed-model-name doorvraag --out models
	@touch $@

train: setup $(MODEL)

validate: setup
	$(BIN)/rasa data validate --fail-on-warnings

test: setup $(MODEL)
	$(MAKE) --no-print-directory validate
	$(BIN)/doorvraag answers check
	$(BIN)/rasa test core --model $(MODEL) --stories tests/stories --fail-on-prediction-errors --out results/core
	$(BIN)/python -m pytest

# The built spaCy folder and the installed chat widget are set-up, not a trained model: check has them.
check: setup
	$(BIN)/ruff check bot actions
	$(BIN)/ruff format --check bot actions
	$(BIN)/mypy
	$(BIN)/doorvraag answers check
	DOORVRAAG_TEST_TIER=fast $(BIN)/python -m pytest -q -m "$(FAST_TESTS)"

N ?= 10
soak:
	bash scripts/soak-tests.sh $(N)

db: setup
	$(BIN)/doorvraag db upgrade

run: setup db $(MODEL)
	@bash scripts/run.sh

eval: setup $(MODEL)
	$(BIN)/python -m bot.evaluation --folds 5 --seeds 13,1,2 --out reports/nlu.md
	$(BIN)/python -m bot.redaction_eval
	$(MAKE) --no-print-directory eval-urgency eval-answers eval-confirmation eval-conversations

# Practical questions written apart: the right knowledge-base answer or the honest line -> reports/answers.md
eval-answers: setup $(MODEL)
	$(BIN)/python -m bot.answers_eval --out reports/answers.md

# Which share of our own unanswerable questions may get an answer, swept on a development set written
# apart (tests/data/questions_dev*.jsonl) -> reports/answers_budget.md (about 5 minutes: five fits)
eval-answers-budget: setup
	$(BIN)/python -m bot.answers_budget --out reports/answers_budget.md

# From which confidence the topic is confirmed implicitly (tests/data/holdout.yml) -> reports/confirmation.md
eval-confirmation: setup $(MODEL)
	$(BIN)/python -m bot.confirm_eval --out reports/confirmation.md

# Scripted conversations through the real bot, scored on the contact they log -> reports/conversations.md
eval-conversations: setup $(MODEL)
	$(BIN)/python -m tests.conversation_eval --shared $(SHARED_EVAL) --out reports/conversations.md

# Urgency on sets written apart from the training data (../shared/eval and tests/data) -> reports/urgency.md
eval-urgency: setup $(MODEL)
	$(BIN)/python -m bot.urgency_eval --out reports/urgency.md

bench: setup $(MODEL)
	$(BIN)/python -m bench.run --out bench/results.md
	$(MAKE) --no-print-directory bench-analytics bench-answers

# Trends and the year report over 5 synthetic years (6,000 contacts, 50,000 messages); needs no model,
# and replaces only its own section of bench/results.md.
bench-analytics: setup
	$(BIN)/python -m bench.analytics --out bench/results.md

# Knowledge-base retrieval per message (target 10 ms); replaces only its own section of bench/results.md.
bench-answers: setup
	$(BIN)/python -m bench.answers --out bench/results.md

scaleout: setup db $(MODEL)
	bash scripts/scaleout.sh

clean:
	rm -rf $(STAMPS) .cache models results .pytest_cache

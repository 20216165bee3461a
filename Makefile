# PSA Operations for Odoo 17: the two commands a newcomer needs are
# `make run` and `make test`. See README.md for the settings they read.
PYTHON ?= python3
PSA := $(PYTHON) tools/psa.py

.PHONY: help setup run test lint clean-db

help:
	@echo "make run       set up on first use, then serve Odoo with the suite on http://localhost:8069"
	@echo "make test      set up what is missing, lint, run every test; ends with 'N passed, N failed'"
	@echo "make lint      ruff and pylint-odoo only"
	@echo "make setup     check or install Odoo 17, Python packages, PostgreSQL access, Chromium"
	@echo "make clean-db  drop the test and template databases the suite created"

setup:
	@$(PSA) setup

run:
	@$(PSA) run

test:
	@$(PSA) test

lint:
	@$(PSA) lint

clean-db:
	@$(PSA) clean-db

# Build, test and demo tooling for the bluexp.cloud_backup collection.
#
#   make test    set up what is missing, then run every suite (timings at the end)
#   make demo    run playbooks/demo.yml against a local BlueXP emulator
#   make help    list all targets
#
# Virtualenvs: .venv (ansible-core 2.19, $(PYTHON), requirements-dev.txt) and, when a Python
# 3.13 or 3.12 is found, .venv-2.21 (ansible-core 2.21, tests/utils/requirements-core-2.21.txt).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
VENV := .venv
VENV_221 := .venv-2.21
BIN := $(CURDIR)/$(VENV)/bin
REQS_221 := tests/utils/requirements-core-2.21.txt

# Interpreter for the ansible-core 2.21 line; empty when there is none (override: PYTHON_221=...).
ifeq ($(origin PYTHON_221),undefined)
PYTHON_221 := $(shell tests/utils/find-python.sh 3.13 3.12)
endif
export PYTHON_221
SKIP_221 := ansible-core 2.21 suites skipped: no Python 3.12/3.13 found

# Python X.Y of .venv (evaluated when used, i.e. after the venv exists).
PYVER = $(shell $(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')

ANSIBLE_TEST := tests/utils/ansible-test.sh
SPEC_DIR := $(abspath $(CURDIR)/../shared/bluexp-api)
export BLUEXP_SPEC_DIR ?= $(SPEC_DIR)

# Extra arguments, e.g. make units UNITS_ARGS='tests/unit/plugins/module_utils/test_x.py'
SANITY_ARGS ?=
UNITS_ARGS ?=
INTEGRATION_ARGS ?=
# Run the ansible-core 2.19 and 2.21 integration lines at once, each with its own emulator
# (much of their time is spent waiting on emulated jobs); 1 = one after the other.
INTEGRATION_JOBS ?= 2
PYTEST_ARGS ?= -q -ra
# The end-to-end tests each run ansible-playbook; two pytest-xdist workers halve their time.
E2E_PYTEST_ARGS ?= -n 2
DEMO_ARGS ?=

# The order `make test` runs the stages in.
STAGES := setup changelog-lint build docs-lint lint sanity units emulator-tests integration contract e2e

.PHONY: help venv venv-2.21 setup get-pip-shim sanity units integration contract emulator-tests \
	e2e lint docs docs-lint changelog-lint build test demo collections clean distclean

help:
	@echo "make test            run every suite: $(STAGES)"
	@echo "make demo            run playbooks/demo.yml against a local BlueXP emulator"
	@echo "make setup           create .venv (and .venv-2.21 when Python 3.12/3.13 exists), get-pip stand-in"
	@echo "make sanity          ansible-test sanity (ansible-core 2.19, Python 3.11)"
	@echo "make units           ansible-test units (2.19; and 2.21 on Python 3.12/3.13 when found)"
	@echo "make integration     ansible-test integration against the emulator (2.19 and 2.21)"
	@echo "make docs            regenerate docs/reference (antsibull-docs) and CHANGELOG.rst (antsibull-changelog)"
	@echo "make contract        validate the requests integration sent against the published spec"
	@echo "make emulator-tests  the emulator's own tests"
	@echo "make e2e             ansible-playbook end-to-end tests against the emulator"
	@echo "make lint            ansible-lint (production profile)"
	@echo "make docs-lint       antsibull-docs lint-collection-docs --plugin-docs"
	@echo "make changelog-lint  antsibull-changelog lint"
	@echo "make build           build the collection tarball into build/ and ansible-doc from it"
	@echo "make clean           remove build and test output; make distclean also removes the venvs"
	@echo
	@echo "Variables: PYTHON (default python3), PYTHON_221 (found: $(or $(PYTHON_221),none)), SANITY_ARGS,"
	@echo "UNITS_ARGS, INTEGRATION_ARGS, INTEGRATION_JOBS, PYTEST_ARGS, E2E_PYTEST_ARGS, DEMO_ARGS"

# ---------------------------------------------------------------------------------------------
# Setup

$(VENV)/.stamp: requirements-dev.txt tests/utils/make-venv.sh
	tests/utils/make-venv.sh "$(PYTHON)" $(VENV) requirements-dev.txt
	@touch $@

venv: $(VENV)/.stamp

$(VENV_221)/.stamp: $(REQS_221) tests/utils/make-venv.sh
	tests/utils/make-venv.sh "$(PYTHON_221)" $(VENV_221) $(REQS_221)
	@touch $@

ifeq ($(PYTHON_221),)
venv-2.21:
	@echo "$(SKIP_221)"
else
venv-2.21: $(VENV_221)/.stamp
endif

get-pip-shim:
	@tests/utils/install-get-pip-shim.sh

setup: venv venv-2.21 get-pip-shim

# A copy of the collection under tests/output/collections/ansible_collections/bluexp/cloud_backup
# for ANSIBLE_COLLECTIONS_PATH (e2e tests, demo).
collections:
	@tests/utils/collection-tree.sh tests/output/collections >/dev/null

# ---------------------------------------------------------------------------------------------
# Test suites

sanity: venv get-pip-shim
	@tests/utils/ensure-shellcheck.sh
	ANSIBLE_TEST_VENV=$(VENV) $(ANSIBLE_TEST) sanity --python $(PYVER) $(SANITY_ARGS)

units: venv venv-2.21 get-pip-shim
	VENV=$(VENV) VENV_221=$(if $(PYTHON_221),$(VENV_221)) tests/utils/run-units.sh $(UNITS_ARGS)

integration: venv venv-2.21 get-pip-shim
	VENV=$(VENV) VENV_221=$(if $(PYTHON_221),$(VENV_221)) INTEGRATION_ARGS='$(INTEGRATION_ARGS)' \
		INTEGRATION_JOBS=$(INTEGRATION_JOBS) tests/utils/run-integration.sh

# Needs tests/output/contract/requests.json, written by `make integration`.
contract: venv
	@if find tests/contract -name 'test_*.py' -print -quit 2>/dev/null | grep -q . \
		&& [ ! -f tests/output/contract/requests.json ]; then \
		echo "ERROR: tests/output/contract/requests.json is missing: run 'make integration' first" >&2; \
		exit 1; \
	fi
	tests/utils/pytest-dir.sh $(VENV) tests/contract $(PYTEST_ARGS)

emulator-tests: venv
	PYTHONPATH=tests/emulator tests/utils/pytest-dir.sh $(VENV) tests/emulator/tests $(PYTEST_ARGS)

e2e: venv collections
	@tests/utils/ensure-chromium.sh  # the HTML report is rendered in headless Chromium
	ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/tests/output/collections PYTHONPATH=tests/emulator \
		tests/utils/pytest-dir.sh $(VENV) tests/e2e $(PYTEST_ARGS) $(E2E_PYTEST_ARGS)

# Offline, ansible-lint does not install the collection it lints; the playbooks find it (and
# its action groups) through ANSIBLE_COLLECTIONS_PATH.
lint: venv collections
	PATH="$(BIN):$$PATH" ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/tests/output/collections \
		ansible-lint $(if $(CI),--nocolor)

docs-lint: venv
	PATH="$(BIN):$$PATH" tests/utils/in-collection-tree.sh antsibull-docs lint-collection-docs --plugin-docs .
	tests/utils/build-docs.sh $(VENV) --check

docs: venv
	tests/utils/build-docs.sh $(VENV)

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

build: venv
	tests/utils/build-collection.sh $(VENV)

test:
	@MAKE="$(MAKE)" tests/utils/run-stages.sh $(STAGES)

# ---------------------------------------------------------------------------------------------

demo: venv
	tests/utils/run-demo.sh $(VENV) $(DEMO_ARGS)

clean:
	rm -rf build tests/output collections .pytest_cache tests/integration/inventory
	find . -name __pycache__ -type d -not -path './.venv*' -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(VENV_221)

# Entry points of the bluexp.cloud_backup collection's tooling. The checks themselves are nox
# sessions (noxfile.py); this file only makes the virtualenv nox lives in and calls it.
#
#   make test    set up what is missing, then run every stage (timings at the end)
#   make demo    run playbooks/demo.yml against a local BlueXP emulator
#   make bench   measure the playbooks against an ansible.builtin.uri baseline (docs/performance.md)
#   make soak    the playbooks in a loop against the emulator with injected faults
#   make help    list all targets
#
# Virtualenvs: .venv (ansible-core 2.19, $(PYTHON), requirements-dev.txt, with nox); .venv-2.16
# (ansible-core 2.16, Python 3.11, tests/utils/requirements-core-2.16.txt) and, when a Python 3.13 or
# 3.12 is found, .venv-2.21 (ansible-core 2.21, tests/utils/requirements-core-2.21.txt), both made by
# the setup stage.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
VENV := .venv
NOX := $(VENV)/bin/nox

export BLUEXP_SPEC_DIR ?= $(abspath $(CURDIR)/../shared/bluexp-api)

# Extra arguments for the tool a stage runs, e.g. make units ARGS='tests/unit/plugins/module_utils/test__http.py'
ARGS ?=
DEMO_ARGS ?=

# The order `make test` runs the stages in (the same list is nox's default, in noxfile.py).
STAGES := setup changelog-lint build docs-lint lint ruff mypy yamllint layering sanity units emulator-tests \
	integration contract e2e
# Further sessions that are not part of `make test`.
EXTRA := docs sanity-2.21 lock bench soak

.PHONY: help venv test demo clean distclean $(STAGES) $(EXTRA)

help:
	@echo "make test            set up what is missing, then run every stage through nox:"
	@echo "                     $(STAGES)"
	@echo "make demo            run playbooks/demo.yml against a local BlueXP emulator"
	@echo
	@echo "make STAGE           one stage (= .venv/bin/nox -s STAGE), e.g. make e2e ARGS='-k inventory'"
	@echo "  setup              .venv (make venv), .venv-2.16, .venv-2.21 when Python 3.12/3.13 exists, get-pip stand-in"
	@echo "  changelog-lint     antsibull-changelog lint"
	@echo "  build              build the collection tarball into build/, install it, ansible-doc from it"
	@echo "  docs-lint          antsibull-docs lint-collection-docs --plugin-docs; docs/reference up to date"
	@echo "  lint               ansible-lint (production profile)"
	@echo "  ruff, mypy, yamllint   (ruff.toml, mypy.ini, .yamllint)"
	@echo "  layering           no client.cbs( under plugins/modules/"
	@echo "  sanity             ansible-test sanity (ansible-core 2.19, Python 3.11)"
	@echo "  units              ansible-test units (2.19; and 2.21 on Python 3.12/3.13 when found)"
	@echo "  emulator-tests     the emulator's own tests"
	@echo "  integration        ansible-test integration against the emulator (2.19 and 2.21 at once)"
	@echo "  contract           the requests integration sent, against the published spec"
	@echo "  e2e                ansible-playbook end-to-end tests against the emulator (2.19; every_core ones on 2.16, 2.21)"
	@echo "make docs            regenerate docs/reference (antsibull-docs) and CHANGELOG.rst"
	@echo "make sanity-2.21     ansible-test sanity of ansible-core 2.21"
	@echo "make lock            refresh the pinned blocks of the requirement files"
	@echo "make bench           the playbooks against an ansible.builtin.uri baseline and a ping floor, into"
	@echo "                     docs/performance.md (hours; ARGS='--sizes 10 --rounds 1' for a quick look, ARGS='--help')"
	@echo "make soak            the playbooks in a loop against the emulator with injected faults: duplicate writes,"
	@echo "                     lost work, tracebacks (10 minutes; ARGS='--minutes 2 --size 10' for a quick look)"
	@echo "make clean           remove build and test output; make distclean also removes the venvs"
	@echo
	@echo "Variables: PYTHON (default python3), PYTHON_221 (default: found Python 3.13/3.12; empty = skip),"
	@echo "PYTHON_216 (default: found Python 3.11; empty = skip), ARGS, DEMO_ARGS,"
	@echo "INTEGRATION_JOBS (2 = both integration lines at once; 1 = one after the other), E2E_JOBS (likewise, 3 lines)"

$(VENV)/.stamp: requirements-dev.txt tests/utils/venvs.py
	$(PYTHON) tests/utils/venvs.py create "$(PYTHON)" $(VENV) requirements-dev.txt
	@touch $@

venv: $(VENV)/.stamp

# nox runs every stage even when one fails, and prints the timing summary at the end. The setup
# stage's time includes the creation of .venv.
test:
	@STAGES_T0=$$(date +%s.%N); $(MAKE) venv; STAGES_T0=$$STAGES_T0 $(NOX) -s $(STAGES)

$(STAGES) $(EXTRA): venv
	$(NOX) -s $@ $(if $(ARGS),-- $(ARGS))

demo: venv
	$(NOX) -s demo $(if $(DEMO_ARGS),-- $(DEMO_ARGS))

clean:
	rm -rf build tests/output collections .pytest_cache .mypy_cache .ruff_cache tests/integration/inventory
	find . -name __pycache__ -type d -not -path './.venv*' -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(VENV)-2.16 $(VENV)-2.21 .nox

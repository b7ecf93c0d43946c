# Every command of the project. Each target installs what it needs first (Python packages from Pipfile.lock,
# the cdktf CLI from package-lock.json), so `make deploy` and `make test` work on a fresh clone.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

export PIPENV_VENV_IN_PROJECT := 1
export PIPENV_NOSPIN := 1
export PIPENV_VERBOSITY := -1
# The Pipfile names its index as ${PIPENV_INDEX_URL} so no registry host is committed; default: pip's own index.
export PIPENV_INDEX_URL ?= $(shell python3 -c "from pip._internal.models.index import PyPI; print(PyPI.simple_url)")
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CI ?= 1
export CHECKPOINT_DISABLE := 1
# A Terraform provider filesystem mirror (a directory holding registry.terraform.io/). Offline machines of this
# project keep one in /opt/tf-plugins; elsewhere leave it empty and the public registry is used.
export TF_PROVIDER_MIRROR ?= $(firstword $(wildcard /opt/tf-plugins))
PY := .venv/bin/python
PIPENV_VERSION := 2026.10.3
# pylint's worker processes: 2 is the quicker `make lint` on 2 cores; `make test` runs it with 1 beside the tests,
# where every CPU second counts (each worker infers the imported modules again: 75 vs 54 CPU s for the code alone)
PYLINT_JOBS ?= 2

.PHONY: help setup system-tools synth validate scan deploy plan destroy outputs emulator-start emulator-stop \
        emulator-status lint typecheck test unit pure bench clean docs drift consistency export-hcl format \
        integration-aws

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

setup: .venv/.synced node_modules/.installed system-tools ## install Python (Pipfile.lock), npm (package-lock.json) and Debian packages

# Debian packages the linters and the diagrams need: shellcheck (actionlint's run: checks), graphviz (diagrams),
# librsvg2-bin (SVG -> PNG). Installed only when a command is missing; needs apt-get (root or sudo).
SYSTEM_TOOLS := shellcheck:shellcheck dot:graphviz rsvg-convert:librsvg2-bin
system-tools:
	@missing=""; for pair in $(SYSTEM_TOOLS); do command -v "$${pair%%:*}" >/dev/null || missing="$$missing $${pair#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
	  $$sudo apt-get install -y -qq $$missing >/dev/null || { $$sudo apt-get update -qq && $$sudo apt-get install -y -qq $$missing >/dev/null; } \
	    || { echo "error: could not install$$missing; install them with apt-get and re-run" >&2; exit 1; }; \
	fi

.venv/.synced: Pipfile.lock
	@command -v pipenv >/dev/null || python3 -m pip install --quiet "pipenv==$(PIPENV_VERSION)"
	pipenv sync --dev
	@touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

synth: setup ## synthesize every workload x environment to cdktf.out/
	$(PY) -m tools synth

validate: setup ## terraform validate every synthesized stack
	$(PY) -m tools validate

scan: setup ## Checkov + the project's policies over every stack; report in reports/scan.json
	$(PY) -m tools scan

deploy: setup ## bootstrap + deploy the dev stacks to the local emulator (DEPLOY_TARGET=aws for AWS)
	$(PY) -m tools deploy

plan: setup ## terraform plan per stack (exit 0 also with changes; `python -m tools plan --detailed-exitcode`: 3 = changes)
	$(PY) -m tools plan

destroy: setup ## destroy the selected stacks (never the bootstrap state bucket)
	$(PY) -m tools destroy

drift: setup ## refresh-only plan per deployed stack: in sync / drifted / error (reports/drift.json; exit 3 = drift)
	$(PY) -m tools drift

consistency: setup ## compare dev/staging/prod of each workload; differences the records do not explain fail
	$(PY) -m tools consistency

export-hcl: setup ## export every stack as plain Terraform HCL to hcl.out/stacks/ and validate it
	$(PY) -m tools export-hcl

emulator-start: setup ## start (or reuse) this checkout's local AWS emulator (moto) on 127.0.0.1:4566 (EMULATOR_PORT)
	$(PY) -m tools emulator start

emulator-stop: setup ## stop this checkout's emulator (its whole process group; waits until the port is free)
	$(PY) -m tools emulator stop

emulator-status: setup ## is this checkout's emulator running (port, pid, state file)
	$(PY) -m tools emulator status

lint: setup ## pylint 10.00/10 (line length 120); every workflow: actionlint + shellcheck, zizmor (offline); ruff format --check
	$(PY) -m pylint -j $(PYLINT_JOBS) main.py config core modules stacks emulator docgen tools policies lambda_src scripts tests
	$(PY) -m tools.workflow_lint
	.venv/bin/zizmor --offline --strict-collection .github/workflows/
	$(PY) -m ruff format --check .

format: setup ## apply the formatter to the whole tree (ruff format, ruff.toml)
	$(PY) -m ruff format .

typecheck: setup ## mypy
	$(PY) -m mypy main.py config core modules stacks emulator docgen tools policies lambda_src

# `make test`, the whole gate. Beside the main pytest run (every test but GATE_BESIDE_1/2) run, each into its own log
# in reports/gate/, printed whole after the main run's output: lint and typecheck (nice'd: they take the CPU the
# tests leave while Terraform waits on the emulator), and two more pytest runs of integration tests on emulators of
# their own, which need neither the session's synth nor its deployment and spend their time in provider waiters:
# the long-lived emulator sequence (1), the interrupted runs, the cdktf CLI and the emulator's lifecycle (2), and
# disaster-recovery's deployment (3: the longest apply and destroy of any stack, global cluster and two regions, so
# its chain synth -> bootstrap -> apply -> plan -> checks -> destroy starts at once instead of after the unit layer,
# with only bootstrap and disaster-recovery synthesized: TEST_WORKLOADS).
# Coverage: the three runs' data combined (terminal, coverage/coverage.json, coverage/coverage.xml, coverage/html/;
# fails under 90 %). Each pytest run lists its 15 slowest tests. Last line: the whole target's seconds and CPU
# seconds, then every step's seconds, CPU seconds and exit status; any failed step fails the target.
GATE := reports/gate
GATE_BESIDE_1 := tests/integration/test_long_lived_emulator.py
GATE_BESIDE_2 := tests/integration/test_interruptions.py tests/integration/test_cdktf_cli.py \
  tests/emulator/test_server.py
GATE_BESIDE_3 := tests/stacks/disaster_recovery/test_deployed.py
GATE_LINT := nice -n 10 $(MAKE) --no-print-directory lint PYLINT_JOBS=1
GATE_TYPECHECK := nice -n 10 $(MAKE) --no-print-directory typecheck
# The runs beside write their deploys' outputs file and per-stack Terraform logs in reports/gate/<run>/, never
# over the main run's cfn-outputs/flat-outputs.json and reports/<command>/ (tools/deploy.py, tools/parallel.py).
gate_pytest = COVERAGE_FILE=$(GATE)/coverage.$(1) $(PY) -m pytest --cov --cov-report= --durations=15 $(2)
gate_apart = OUTPUTS_FILE=$(abspath $(GATE)/$(1)/flat-outputs.json) STACK_LOGS_DIR=$(abspath $(GATE)/$(1)) \
  $(call gate_pytest,$(1),-p no:cacheprovider $(2))
GATE_PYTEST := $(call gate_pytest,main,$(addprefix --ignore=,$(GATE_BESIDE_1) $(GATE_BESIDE_2) $(GATE_BESIDE_3)))
GATE_PYTEST_BESIDE_1 := $(call gate_apart,beside-1,$(GATE_BESIDE_1))
GATE_PYTEST_BESIDE_2 := $(call gate_apart,beside-2,$(GATE_BESIDE_2))
GATE_PYTEST_BESIDE_3 := TEST_WORKLOADS=bootstrap,disaster-recovery $(call gate_apart,beside-3,$(GATE_BESIDE_3))
# every pytest run's data file: the main run's and one per pytest-beside-N step of GATE_BESIDE
GATE_COVERAGE = $(PY) -m coverage combine -q --keep --data-file=.coverage \
  $(addprefix $(GATE)/coverage.,main $(patsubst pytest-%,%,$(filter pytest-beside-%,$(GATE_BESIDE)))) && \
  $(PY) -m coverage json -q -o coverage/coverage.json && \
  $(PY) -m coverage xml -q -o coverage/coverage.xml && $(PY) -m coverage html -q -d coverage/html && \
  $(PY) -m coverage report --fail-under=90
GATE_BESIDE := lint typecheck pytest-beside-1 pytest-beside-2 pytest-beside-3
# $(call gate_step,<command>,<name>[,<redirection>]): run it, write "<exit status> <seconds> <CPU seconds>" to
# $(GATE)/<name>.status. CPU: user + system of the step's processes once reaped (bash's `times`, run in this shell:
# in a pipe or $(...) it would be a fresh process that has reaped nothing); a process left running is not counted.
gate_step = ( began=$$SECONDS; rc=0; ( $(1) ) $(3) || rc=$$?; times >$(GATE)/$(2).status; \
  echo "$$rc $$((SECONDS - began)) $$($(call gate_cpu,$(GATE)/$(2).status))" >$(GATE)/$(2).status; exit $$rc )
# $(call gate_cpu,<file>): the seconds on the children's line (the 2nd) of `times`' "<user>m<s>s <system>m<s>s"
gate_cpu = awk 'NR == 2 { split($$1, u, /[ms]/); split($$2, k, /[ms]/); \
  printf "%.0f", u[1] * 60 + u[2] + k[1] * 60 + k[2] }' $(1)
gate_beside = $(call gate_step,$(GATE_$(call upper,$(1))),$(1),>$(GATE)/$(1).log 2>&1) & pids="$$pids $$!";
upper = $(subst -,_,$(shell echo $(1) | tr a-z A-Z))

test: setup ## lint, type check, unit, scan, validate, emulator deploy, integration, coverage
	@mkdir -p $(GATE) && rm -rf $(GATE)/*.log $(GATE)/*.status $(GATE)/coverage.* $(GATE)/beside-*
	@began=$$SECONDS; pids=""; \
	$(foreach step,$(GATE_BESIDE),$(call gate_beside,$(step))) \
	$(call gate_step,$(GATE_PYTEST),pytest) || true; \
	for pid in $$pids; do wait $$pid || true; done; \
	for step in $(GATE_BESIDE); do echo "---- $$step (ran beside pytest; log: $(GATE)/$$step.log)"; \
	  cat $(GATE)/$$step.log; done; \
	echo "---- coverage (every pytest run)"; $(call gate_step,$(GATE_COVERAGE),coverage) || true; \
	failed=""; summary=""; \
	for step in $(GATE_BESIDE) pytest coverage; do rc=1; seconds=?; cpu=?; \
	  [ ! -f $(GATE)/$$step.status ] || read -r rc seconds cpu <$(GATE)/$$step.status; \
	  summary="$$summary $$step $$seconds s, $${cpu:-?} CPU s (exit $$rc),"; \
	  [ "$$rc" -eq 0 ] || failed="$$failed $$step"; done; \
	times >$(GATE)/test.times; cpu=$$($(call gate_cpu,$(GATE)/test.times)); rm -f $(GATE)/test.times; \
	echo "make test: $$((SECONDS - began)) s, $$cpu CPU s;$${summary%,}"; \
	if [ -n "$$failed" ]; then echo "make test FAILED:$$failed" >&2; exit 1; fi

# The integration suite against a real sandbox account (README "Against a real account"): deploys the dev
# environment's ephemeral copies of WORKLOADS (default event-processing), runs their boto3 tests, destroys them.
# Not a target-specific `WORKLOADS ?= ...`: GNU make then stops exporting an environment WORKLOADS to every other
# recipe (`WORKLOADS=flask-api make deploy` deployed every workload; tests/tools/test_makefile.py).
comma := ,
AWS_WORKLOADS = $(or $(WORKLOADS),event-processing)
integration-aws: setup ## integration tests on a real account: ENVIRONMENT_SUFFIX=e2e1234 [WORKLOADS=a,b]; destroys after
	DEPLOY_TARGET=aws TEST_WORKLOADS=bootstrap,$(AWS_WORKLOADS) $(PY) -m pytest -m integration \
	  --junitxml=reports/integration-aws.xml \
	  $(foreach w,$(subst $(comma), ,$(AWS_WORKLOADS)),tests/stacks/$(subst -,_,$(w))/test_deployed.py)

unit: setup ## the unit layers: pure Python, terraform validate, Checkov (no emulator started)
	$(PY) -m pytest -m "not integration and not emulator"

pure: setup ## the pure-Python layer only (no terraform, no Checkov, no emulator; markers in pytest.ini)
	$(PY) -m pytest -m "not terraform and not checkov and not emulator and not integration"

docs: setup ## regenerate docs/modules, docs/workloads (architecture diagrams: .dot, SVG, PNG), docs/environments.md
	$(PY) -m tools docs

bench: setup ## import floors, synth, memory (BENCH_FLAGS="--deploy --unit --test" adds deploy, unit layer, make test)
	$(PY) -m tools.bench $(BENCH_FLAGS)

clean: ## remove generated files (stops this checkout's emulator first: its state file is in .emulator/)
	@if [ -x $(PY) ]; then $(PY) -m tools emulator stop; fi
	rm -rf cdktf.out hcl.out build reports coverage cfn-outputs .emulator .cache .coverage

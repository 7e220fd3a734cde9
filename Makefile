# Every target creates the environment first if needed (fresh machine: only python3 is assumed).
SHELL := /bin/bash
PYTHON ?= python3
UV := .tools/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
export UV_PYTHON_DOWNLOADS := never
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION := 1

.PHONY: env test lint typecheck unit bench dev demo asset synth clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install -q uv==0.13.8

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --all-groups
	touch $@

env: $(VENV)/.synced

lint: env
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: env
	$(VENV)/bin/mypy domain functions infra bench

unit: env
	$(PY) -m pytest

test: lint typecheck unit

bench: env
	$(PY) -m bench

dev: env
	$(PY) -m infra.local

demo: env
	$(PY) -m infra.local.demo

asset: env
	$(PY) -m infra.build_asset build/lambda-asset --require-lambda-bytecode

synth: env
	CDK_OUTDIR=cdk.out $(PY) -m infra.app

clean:
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache cdk.out

# Two commands for a new user: `make demo` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
CODET  ?= ../shared/data/codet
DEMO   ?= work/demo

.PHONY: demo test test-all lint bench bench-deps clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,local]'
	touch $@

# The main job on embedded defaults. Until the synthesis pipeline lands it runs the
# execution engine over real HumanEval samples (CodeGen-16B) and prints a summary.
demo: $(VENV)/.installed
	mkdir -p $(DEMO)
	@if [ -f $(CODET)/humaneval_problems.jsonl ]; then \
	  $(VENV)/bin/aceforge humaneval-jobs --codet-dir $(CODET) --samples-per-problem 5 -o $(DEMO)/jobs.jsonl; \
	else \
	  echo "($(CODET) not found: using the bundled examples/exec_demo.jsonl)"; \
	  cp examples/exec_demo.jsonl $(DEMO)/jobs.jsonl; \
	fi
	$(VENV)/bin/aceforge exec $(DEMO)/jobs.jsonl -o $(DEMO)/results.jsonl --timeout-s 1

test: $(VENV)/.installed
	$(PY) -m pytest -q -m "not slow and not gpu"

test-all: $(VENV)/.installed
	$(PY) -m pytest -q -m "not gpu"

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy

bench-deps: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) -m pip install -q --no-deps evalplus==0.3.1

bench: bench-deps
	$(PY) benchmarks/exec_throughput.py --codet-dir $(CODET)

clean:
	rm -rf $(VENV) work .pytest_cache .ruff_cache .mypy_cache

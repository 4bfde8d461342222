# The two commands a newcomer needs: `make demo` and `make test`.
# Each (re)creates .venv from the pinned requirements when they changed, then runs.
PY ?= python3.11
VENV := .venv
STAMP := $(VENV)/.installed
DEMO_DIR ?= build/demo

.PHONY: demo test bench venv clean system-deps

venv: $(STAMP)

$(STAMP): requirements.txt requirements-nodeps.txt pyproject.toml
	@test -x $(VENV)/bin/python || $(PY) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements.txt
	$(VENV)/bin/pip install -q --disable-pip-version-check --no-deps -r requirements-nodeps.txt
	$(VENV)/bin/pip install -q --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/roughcut demo-scene $(DEMO_DIR)
	$(VENV)/bin/roughcut cut $(DEMO_DIR)/media --script $(DEMO_DIR)/scene.fountain \
		--out $(DEMO_DIR)/roughcut.otio --report $(DEMO_DIR)/roughcut.html

test: $(STAMP)
	$(VENV)/bin/python -m pytest -q

bench: $(STAMP)
	$(VENV)/bin/roughcut bench all

clean:
	rm -rf $(VENV) build

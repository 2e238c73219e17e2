# make run: set up and start the whole suite locally. make test: set up and run every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PACKAGES := proto libs/chassis services/contacts services/notifications services/sales services/gateway

.PHONY: setup system run test proto docs lint clean

$(INSTALLED): constraints.txt requirements-dev.txt $(foreach p,$(PACKAGES),$(p)/pyproject.toml)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt $(foreach p,$(PACKAGES),-e $(p)) -r requirements-dev.txt
	touch $@

system:
	bash tools/ensure_system.sh

setup: $(INSTALLED) system

run: setup
	$(BIN)/python tools/suite.py

test: $(INSTALLED)
	bash tools/ensure_system.sh --postgres
	$(BIN)/python -m pytest

proto: $(INSTALLED)
	$(BIN)/python tools/gen_proto.py

docs: $(INSTALLED)
	$(BIN)/python tools/roles_doc.py

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) var

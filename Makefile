# Two commands do all set-up on a fresh machine:
#   make demo   install, then build dossiers for the shipped sample corpus (samples/corpus)
#   make test   install, then lint and run the test suite (what CI runs)
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --disable-pip-version-check -q
export HF_HUB_OFFLINE := 1

.PHONY: demo test install eval browser

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) torch==2.13.0          # the CPU build; installing it first keeps pip from pulling CUDA
	$(PIP) -e '.[test,eval,bench]'
	touch $@

install: $(VENV)/.installed

demo: $(VENV)/.installed
	$(VENV)/bin/storyline run samples/corpus -o storyline-out

# Browser tests drive Debian's Chromium (no browser download); installed here when missing and we are root.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || echo "chromium not installed: browser tests will be skipped"

test: $(VENV)/.installed browser
	$(VENV)/bin/ruff check src tests eval bench scripts
	$(VENV)/bin/mypy
	$(PY) -m pytest -q

eval: $(VENV)/.installed
	$(PY) eval/cleaning.py

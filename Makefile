# Ecoeficiencia Platform: local stack without Docker (see deploy/*.sh) and the usual dev targets.
# Every target is idempotent: `make run` twice leaves one copy of everything running.
#
#   make run     Postgres + Kafka + migrations + services + nginx, then the URL
#   make test    the same infrastructure (test database), then pytest (PYTEST_ARGS=... to filter),
#                in a random order whose seed is printed (ECO_TEST_SEED=N repeats one, =off: file order)
#   make test-unit          the unit tests alone: no Postgres, no Kafka (nginx installed, not started)
#   make test-unit-shifted  the same with the whole process's clock at 23:30 in Lima on 29 February 2028
#   make lint    ruff check, ruff format --check and mypy (0 errors)
#   make down    stop everything;  make clean  also deletes .local/ (all local data)

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help

PY       := .venv/bin/python
# Python runs through deploy/with-env.sh: ECO_* from .env as the scripts see them, and
# ECO_KAFKA_BOOTSTRAP derived from ECO_KAFKA_PORT (one variable moves the broker).
WITH_ENV := deploy/with-env.sh
CLI      := $(WITH_ENV) $(PY) -m shared.cli
TEST_DB  := ecoeficiencia_test
PYTEST_ARGS ?=
# 23:30 in Lima (UTC-5) on a leap day: the UTC date is already 1 March.
SHIFTED_NOW := 2028-02-29T23:30:00-05:00

# `$(call step,label,command)`: run a command and print how long it took.
define step
	_t0=$$(date +%s.%N)
	$(2)
	printf '  %-32s %5.1f s\n' '$(1)' "$$(awk -v a=$$_t0 -v b=$$(date +%s.%N) 'BEGIN{print b-a}')"
endef

.PHONY: help venv _venv infra infra-test run traces down test test-unit test-unit-shifted lint fmt bench demo clean

help:
	@echo "targets: run | traces | down | test | test-unit | test-unit-shifted | lint | fmt | bench | demo | infra | venv | clean"

venv:
	@$(call step,venv (uv sync --frozen),$(MAKE) --no-print-directory _venv)

_venv:
	@command -v uv >/dev/null 2>&1 || python3 -m pip install -q uv || python3 -m pip install -q --break-system-packages uv
	# Bytecode compiled once here: every service process and test run then starts from .pyc, also
	# where PYTHONDONTWRITEBYTECODE is set (measured: a cold import of a service took ~60 s on a
	# loaded 2-core machine without it).
	uv sync --frozen --quiet --compile-bytecode

# Postgres + Kafka + topics + migrations of the `make run` database.
infra: venv
	@$(call step,postgres,deploy/postgres/pg.sh up)
	$(call step,kafka,deploy/kafka/kafka.sh up)
	$(call step,kafka topics,$(CLI) create-topics >/dev/null)
	$(call step,migrations ($(or $(ECO_PG_DATABASE),ecoeficiencia)),$(CLI) migrate all >/dev/null)

# Same, migrating the test database instead; nginx must be installed for tests/unit/test_nginx_conf.py.
infra-test: venv
	@$(call step,postgres,deploy/postgres/pg.sh up)
	$(call step,kafka,deploy/kafka/kafka.sh up)
	$(call step,kafka topics,$(CLI) create-topics >/dev/null)
	$(call step,migrations ($(TEST_DB)),$(CLI) migrate all --database $(TEST_DB) >/dev/null)
	$(call step,nginx installed,command -v nginx >/dev/null || deploy/nginx/nginx.sh test)
	$(call step,browser installed,deploy/browser.sh)
	$(call step,document tools installed,deploy/documents.sh)

run: infra
	@$(call step,services,deploy/services.sh up)
	$(call step,nginx,deploy/nginx/nginx.sh up)
	if [[ -f deploy/demo/seed.py ]]; then
		$(call step,demo data,$(CLI) seed-demo)
	fi
	$(WITH_ENV) bash -c 'echo "Ecoeficiencia Platform is up: http://127.0.0.1:$${ECO_GATEWAY_PORT:-8080}  (docs: /docs, health: /health)"'

# `make run` plus a local trace viewer: Zipkin (deploy/zipkin) and every service restarted to export
# its spans to it (recording spans costs throughput, so plain `make run` does not).
traces: run
	@$(call step,zipkin,deploy/zipkin/zipkin.sh up)
	deploy/services.sh down >/dev/null
	$(call step,services (exporting spans),OTEL_EXPORTER_ZIPKIN_ENDPOINT=http://127.0.0.1:$${ECO_ZIPKIN_PORT:-9411}/api/v2/spans OTEL_BSP_SCHEDULE_DELAY=500 deploy/services.sh up)
	echo "traces: http://127.0.0.1:$${ECO_ZIPKIN_PORT:-9411}/zipkin/  (search by traceId: the X-Request-ID nginx returns is the trace id)"

# Stop in reverse order; keep going when one part fails so the others still stop.
down:
	@rc=0
	deploy/nginx/nginx.sh down || rc=1
	deploy/services.sh down || rc=1
	deploy/zipkin/zipkin.sh down || rc=1
	deploy/kafka/kafka.sh down || rc=1
	deploy/postgres/pg.sh down || rc=1
	exit $$rc

test: infra-test
	@ECO_ENV=test $(WITH_ENV) $(PY) -m pytest $(PYTEST_ARGS)

# tests/unit needs no running part; nginx's binary checks the rendered config (nginx -t).
test-unit: venv
	@$(call step,nginx installed,command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || deploy/nginx/nginx.sh test)
	$(WITH_ENV) $(PY) -m pytest tests/unit $(PYTEST_ARGS)

# time-machine moves the clock of the whole pytest process (datetime, date, time.time).
test-unit-shifted:
	@ECO_TEST_NOW=$(SHIFTED_NOW) $(MAKE) --no-print-directory test-unit

# ruff (lint + format) and mypy (pyproject.toml [tool.mypy]: pydantic plugin, strict on shared/ and
# every services/*/domain/); each must be clean.
lint: venv
	@$(call step,ruff check,.venv/bin/ruff check .)
	$(call step,ruff format --check,.venv/bin/ruff format --check .)
	$(call step,mypy,.venv/bin/mypy)

fmt: venv
	@.venv/bin/ruff check --fix . && .venv/bin/ruff format .

# The side-by-side benches (issue 15; bench/harness.py): each prints its figures against its
# ceiling (bench/ceiling.py) and records a row; one table at the end. They expect `make run`
# (catalog_search seeds its own database). BENCHES=... picks some; the other bench/*.py
# (gateway_overhead, anonymous_flood, ...) run one by one: .venv/bin/python bench/<name>.py.
# ECO_WORKERS=2 make run && ECO_WORKERS=2 make bench: the same with two workers per service.
BENCHES ?= kernel_read kernel_write catalog_search event_latency startup
bench: venv
	@$(WITH_ENV) $(PY) bench/harness.py reset
	for b in $(BENCHES); do
		echo "=== bench/$$b.py"
		$(WITH_ENV) $(PY) "bench/$$b.py"
	done
	echo
	$(WITH_ENV) $(PY) bench/harness.py table

demo: venv
	@$(CLI) demo

clean: down
	@rm -rf .local
	echo "removed .local/"

# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test lint stop messages makemessages lock bench clean

$(VENV)/.installed: requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

locale/%.mo: locale/%.po $(VENV)/.installed
	$(PY) config/compile_messages.py

messages: $(MO_FILES)

run: $(VENV)/.installed messages
	$(PY) -m config.devrun

test: lint messages
	.ci/ensure-chromium
	.ci/ensure-axe
	DJANGO_ENV=test $(PY) -m pytest $(PYTEST_ARGS)

# Type-checked in `make lint`: every service, selector and access module of the apps. Imports are
# followed silently, so only these must be clean.
# The django-stubs plugin imports config.settings: given URLs (nothing listens there) and
# EMBEDDED_SERVERS=0, it never starts the embedded PostgreSQL or Redis.
MYPY_MODULES := tenants/services.py tenants/crossing.py tenants/migrating.py tenants/hooks.py tenants/middleware.py contacts/hooks.py audit/bulk_history.py audit/updates.py \
  audit/services.py audit/selectors.py staff/access.py staff/ui.py staff/panels.py \
  mfa/services.py mfa/selectors.py \
  relations/services.py relations/selectors.py relations/access.py \
  transfer/services.py transfer/selectors.py transfer/access.py transfer/reading.py transfer/exports.py \
  subscriptions/services.py subscriptions/relink.py subscriptions/selectors.py subscriptions/access.py \
  tasks/services.py tasks/selectors.py tasks/access.py tasks/attachments.py tasks/conversation.py tasks/timeline.py \
  tasks/reply_address.py tasks/notifications staff/mail.py \
  outbox/services.py outbox/selectors.py outbox/hooks.py \
  webhooks/services.py webhooks/selectors.py webhooks/access.py webhooks/addresses.py webhooks/signing.py \
  privacy/services.py privacy/selectors.py \
  contacts/services contacts/selectors.py contacts/access.py contacts/names.py contacts/backends.py \
  portal/services.py portal/selectors.py portal/access.py portal/invitations.py portal/throttles.py \
  portal/claims.py portal/email_change.py \
  tenants/urls_for.py portal_sync/services.py portal_sync/selectors.py portal_sync/lock.py \
  mailin/services.py mailin/selectors.py mailin/access.py mailin/parsing.py mailin/replies.py mailin/smtp.py \
  search/selectors.py tasks/sla.py staff/worklist.py tasks/worklist.py tasks/charts.py tasks/bulk.py tasks/bulk_selectors.py \
  notifications/services.py notifications/selectors.py notifications/access.py notifications/mentions.py \
  ops/selectors.py ops/services.py ops/access.py ops/metrics.py ops/log_context.py ops/middleware.py \
  api/services.py api/selectors.py api/access.py

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DJANGO_ENV=production DJANGO_SECRET_KEY=check-only-$$(date +%s)-not-a-real-secret-key-0123456789abcdef \
	  DATABASE_URL=postgresql://check@127.0.0.1:1/check REDIS_URL=redis://127.0.0.1:1 \
	  $(PY) manage.py check --deploy --fail-level WARNING
	DATABASE_URL=postgresql://check@127.0.0.1:1/check REDIS_URL=redis://127.0.0.1:1 EMBEDDED_SERVERS=0 \
	  $(PY) -m mypy --follow-imports=silent $(MYPY_MODULES)
	DATABASE_URL=postgresql://check@127.0.0.1:1/check REDIS_URL=redis://127.0.0.1:1 EMBEDDED_SERVERS=0 \
	  $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

stop: $(VENV)/.installed
	$(PY) config/embedded.py stop

makemessages: $(VENV)/.installed
	$(PY) manage.py makemessages --locale nl --ignore '.venv/*' --ignore '.local/*' --no-obsolete

lock: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]' && $(PY) -m pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

bench: $(VENV)/.installed
	$(PY) bench/provision.py
	$(PY) bench/tenants.py
	$(PY) bench/relink.py
	$(PY) bench/sync.py
	$(PY) bench/load.py
	$(PY) bench/scale.py

clean:
	rm -rf $(VENV) staticfiles

"""The REST API's endpoints: the same access helpers, selectors and services as the staff
pages, so the same rules hold. Each write goes through api.services.api_write (its security-log
entry, the token's owner in history); a service's refusal is a 400 (api.exceptions)."""

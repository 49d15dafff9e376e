"""Writes on contacts, by topic; callers import from the topic's module.

- `contacts`: create and update, and the one duplicate-e-mail check (`contact_with_email`).
- `links`: link a contact to a relation, change or remove that link.
- `attributes`: custom attributes and their values.
- `merge`: merge two records of one person field by field, and undo a merge.
- `out_of_service`: a contact leaves and a successor takes over.
"""

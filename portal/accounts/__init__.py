"""Accounts: organisations, profiles, API tokens, logins, invitations and the audit trail pages.

The app keeps the label `portal` (its tables, migrations and permissions predate the split)."""

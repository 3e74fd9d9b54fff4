"""The API of accounts: organisations and the token authentication."""

#!/usr/bin/env bash
# Creates .env from .env.example on first use, with a fresh random SECRET_KEY for development.
set -euo pipefail
if [ ! -f .env ]; then
  key=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
  sed -e "s|^SECRET_KEY=.*|SECRET_KEY=dev-$key|" .env.example > .env
  echo "==> created .env from .env.example (development settings, DEBUG=1)"
fi

#!/usr/bin/env bash
# Creates .env from .env.example on first use, with a fresh random SECRET_KEY for development.
# Variables set in the environment at that moment are written into it, so that a second checkout
# on the same server picks its own database, Redis databases and port once, for good:
#   DATABASE_URL=postgis://postgres@127.0.0.1:5432/portal_b REDIS_URL=redis://127.0.0.1:6379/2 \
#   CACHE_URL=redis://127.0.0.1:6379/3 TEST_REDIS_URL=redis://127.0.0.1:6379/12 \
#   TEST_CACHE_URL=redis://127.0.0.1:6379/13 PORT=8001 make run
set -euo pipefail
if [ ! -f .env ]; then
  python3 - <<'PY'
import os
import secrets
from pathlib import Path

CHOSEN = ("DATABASE_URL", "REDIS_URL", "CACHE_URL", "TEST_REDIS_URL", "TEST_CACHE_URL", "PORT")
values = {name: os.environ[name] for name in CHOSEN if os.environ.get(name)}
values["SECRET_KEY"] = "dev-" + secrets.token_urlsafe(50)
lines = []
for line in Path(".env.example").read_text().splitlines():
    name = line.split("=", 1)[0]
    if not line.startswith("#") and "=" in line and name in values:
        line = f"{name}={values.pop(name)}"
    lines.append(line)
Path(".env").write_text("\n".join(lines) + "\n")
PY
  echo "==> created .env from .env.example (development settings, DEBUG=1)"
fi

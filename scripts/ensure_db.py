"""Create the database named by DATABASE_URL (and its PostGIS extension) if it does not exist."""

import os
import sys
from pathlib import Path

import environ
import psycopg2
from psycopg2 import sql

BASE = Path(__file__).resolve().parent.parent
env = environ.Env()
if (BASE / ".env").is_file():
    env.read_env(BASE / ".env", overwrite=False)
url = env.db_url("DATABASE_URL", default="postgis://postgres@127.0.0.1:5432/bengkulu_portal")
params = {
    "host": url["HOST"] or None,
    "port": url["PORT"] or None,
    "user": url["USER"] or None,
    "password": url["PASSWORD"] or None,
}
name = url["NAME"]
try:
    conn = psycopg2.connect(dbname="postgres", **params)
except psycopg2.OperationalError as exc:
    sys.exit(f"Cannot connect to PostgreSQL at {params['host']}:{params['port']}: {exc}")
conn.autocommit = True
with conn.cursor() as cur:
    cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    if cur.fetchone() is None:
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"==> created database {name}")
conn.close()
conn = psycopg2.connect(dbname=name, **params)
conn.autocommit = True
with conn.cursor() as cur:
    cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
conn.close()
os.environ.setdefault("PORTAL_DB_READY", "1")

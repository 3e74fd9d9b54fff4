#!/usr/bin/env bash
# Prints a variable as the portal sees it: the environment first, else .env (last assignment,
# surrounding quotes removed), else the default given as the second argument.
#   PORT=$(bash scripts/dotenv_get.sh PORT 8000)
set -euo pipefail
name=$1
default=${2:-}
if [ -n "${!name:-}" ]; then
  printf '%s\n' "${!name}"
  exit 0
fi
value=""
if [ -f .env ]; then
  value=$(sed -n "s/^[[:space:]]*$name=//p" .env | tail -n 1 | sed -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'$/\1/")
fi
printf '%s\n' "${value:-$default}"

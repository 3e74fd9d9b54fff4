"""The Indonesian catalogues: refresh them from the source, or check that nothing is untranslated.

    .venv/bin/python scripts/messages.py          # `make messages`: update every django.po, compile
    .venv/bin/python scripts/messages.py --check  # list untranslated strings, exit 1 if any

Source strings are English; every string marked for translation in Python and templates must have
an Indonesian translation that is not fuzzy. Django's `makemessages` extracts the strings (into
the catalogue of the app that holds them: `coverage/locale`, `warkop/locale`, `payments/locale`,
else `locale/`); this script then fills a new entry from any other catalogue that already
translates the same string (a string moved between apps keeps its translation), empties the
translations `msgmerge` only guessed (fuzzy: "No" is not "Note"), drops obsolete entries and
compiles the .mo files. `--check` does the extraction in a temporary copy of the tree and leaves
the working tree alone (tests/portal/test_translations.py runs it).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

REPO = Path(__file__).resolve().parent.parent
LANGUAGE = "id"
IGNORED = ["--ignore=.venv", "--ignore=tests", "--ignore=bench", "--ignore=var", "--ignore=media"]


def catalogues(root: Path) -> list[Path]:
    return sorted(
        path
        for path in root.glob(f"**/locale/{LANGUAGE}/LC_MESSAGES/django.po")
        if ".venv" not in path.parts
    )


def key(entry) -> tuple:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def translated(entry) -> bool:
    if entry.obsolete or "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def known_translations(root: Path) -> dict:
    known = {}
    for path in catalogues(root):
        for entry in polib.pofile(str(path)):
            if translated(entry):
                known.setdefault(key(entry), entry)
    return known


def makemessages(root: Path) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", LANGUAGE, "--no-obsolete", "-v", "0"]
        + IGNORED,
        cwd=root,
        check=True,
    )


def untranslated(root: Path, known: dict) -> list[str]:
    """Each untranslated string of the catalogues under `root`, as "file:line: msgid"."""
    missing = []
    for path in catalogues(root):
        for entry in polib.pofile(str(path)):
            if entry.obsolete or translated(entry) or key(entry) in known:
                continue
            where = entry.occurrences[0] if entry.occurrences else (str(path), "")
            missing.append(f"{where[0]}:{where[1]}: {entry.msgid!r}")
    return missing


def check() -> list[str]:
    """Extract the strings in a copy of the tree; return those without a translation."""
    known = known_translations(REPO)
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch)
        for name in filter(None, files):
            source = REPO / os.fsdecode(name)
            if source.is_file():
                target = copy / os.fsdecode(name)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
        if (REPO / ".env").exists():
            shutil.copy2(REPO / ".env", copy / ".env")
        makemessages(copy)
        return untranslated(copy, known)


def update() -> list[str]:
    known = known_translations(REPO)
    makemessages(REPO)
    for path in catalogues(REPO):
        catalogue = polib.pofile(str(path), wrapwidth=100)
        for entry in catalogue:
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
                entry.msgstr = ""
                entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, "")
            if not translated(entry) and key(entry) in known:
                entry.msgstr = known[key(entry)].msgstr
                entry.msgstr_plural = dict(known[key(entry)].msgstr_plural)
        catalogue.save()
        catalogue.save_as_mofile(str(path.with_suffix(".mo")))
    return untranslated(REPO, {})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only list untranslated strings")
    args = parser.parse_args()
    os.chdir(REPO)
    missing = check() if args.check else update()
    for line in missing:
        print(line)
    if missing:
        print(f"{len(missing)} string(s) without an Indonesian translation", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

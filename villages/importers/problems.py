"""Problems in input files, and how the importers word them and their reports."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

#: How many problems an importer lists before it stops counting them one by one.
MAX_PROBLEMS = 20

#: How many codes a report lists by default (renamed, missing, unknown...).
REPORT_SAMPLE = 10


class ImportDataError(Exception):
    """The input files are not importable; nothing was written.

    `problems` lists the first `MAX_PROBLEMS` problems, each naming its file and line (or feature);
    `total` counts them all.
    """

    def __init__(self, problems: Sequence[str], *, total: int | None = None):
        self.problems = list(problems)
        self.total = len(self.problems) if total is None else total
        super().__init__(self.message)

    @property
    def message(self) -> str:
        count = self.total
        head = (
            f"Nothing was imported: {count} problem{'s' if count != 1 else ''} in the input."
            if count
            else "Nothing was imported."
        )
        lines = [head, *self.problems]
        if self.total > len(self.problems):
            lines.append(f"... and {self.total - len(self.problems)} more.")
        return "\n".join(lines)


class InvalidValue(ValueError):
    """A malformed value of an input row; the message says what is wrong."""


class Problems:
    """Collects problems found while reading input files, keeping the first `limit` messages."""

    def __init__(self, *, limit: int = MAX_PROBLEMS):
        self.limit = limit
        self.messages: list[str] = []
        self.total = 0

    def __bool__(self) -> bool:
        return self.total > 0

    @property
    def full(self) -> bool:
        return self.total >= self.limit

    def add(
        self, *, path: Path | str, message: str, line: int | None = None, where: str = ""
    ) -> None:
        """Record a problem of `path`, at `line` (as a human counts, header = 1) or `where`."""
        self.total += 1
        if len(self.messages) < self.limit:
            name = Path(path).name
            place = f"line {line}" if line is not None else where
            self.messages.append(f"{name}, {place}: {message}" if place else f"{name}: {message}")

    def raise_if_any(self) -> None:
        if self.total:
            raise ImportDataError(self.messages, total=self.total)


def listed(codes: Sequence[str], *, sample: int = REPORT_SAMPLE) -> str:
    """The first `sample` codes (all of them if `sample` is 0) and how many more there are."""
    if not sample or len(codes) <= sample:
        return ", ".join(codes)
    return ", ".join(codes[:sample]) + f", ... ({len(codes) - sample} more)"

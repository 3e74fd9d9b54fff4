"""The four levels of the Kemendagri registry, their codes and where they live."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import RegencyKind, VillageKind
from .problems import InvalidValue

#: Longest name the registry stores (AdministrativeUnit.name).
NAME_MAX_LENGTH = 120


@dataclass(frozen=True)
class Level:
    """One level of the Kemendagri registry: its names, its code's shape and kind; its file,
    table and parent follow from them."""

    singular: str
    plural: str
    shape: str  # the code's shape, e.g. NN.NN for a regency
    kind: type | None = None  # RegencyKind or VillageKind, which the code decides
    # Derived from the above:
    depth: int = field(init=False, compare=False)  # 1 (province) to 4 (village)
    pattern: re.Pattern = field(init=False, repr=False, compare=False)  # ASCII digits only
    filename: str = field(init=False, repr=False, compare=False)  # idn-area-data's, regencies.csv
    table: str = field(init=False, repr=False, compare=False)
    staging: str = field(init=False, repr=False, compare=False)  # import_regions' temporary table

    def __post_init__(self):
        segments = self.segments
        for name, value in (
            ("depth", len(segments)),
            ("pattern", re.compile(r"\.".join(segments))),
            ("filename", f"{self.plural}.csv"),
            ("table", f"villages_{self.singular}"),
            ("staging", f"import_{self.singular}"),
        ):
            object.__setattr__(self, name, value)

    def count(self, number: int) -> str:
        """`1 village`, `2 villages`."""
        return f"{number} {self.singular if number == 1 else self.plural}"

    @property
    def segments(self) -> list[str]:
        """A regular expression of each segment of the code."""
        return [f"[0-9]{{{len(segment)}}}" for segment in self.shape.split(".")]

    @property
    def parent(self) -> Level | None:
        """The level above (its code is this level's code up to the last dot)."""
        return LEVELS[self.depth - 2] if self.depth > 1 else None

    @property
    def parent_column(self) -> str | None:
        """The column of this level's file that names the parent, e.g. `province_code`."""
        return f"{self.parent.singular}_code" if self.parent else None

    @property
    def parent_fk(self) -> str | None:
        """The foreign key column of this level's table, e.g. `province_id`."""
        return f"{self.parent.singular}_id" if self.parent else None


PROVINCE = Level("province", "provinces", "NN")
REGENCY = Level("regency", "regencies", "NN.NN", RegencyKind)
DISTRICT = Level("district", "districts", "NN.NN.NN")
VILLAGE = Level("village", "villages", "NN.NN.NN.NNNN", VillageKind)
LEVELS: tuple[Level, ...] = (PROVINCE, REGENCY, DISTRICT, VILLAGE)


def level_of(code: str) -> Level:
    """The level of `code`, by its number of segments; raise InvalidValue if it is malformed."""
    depth = code.count(".") + 1
    level = LEVELS[depth - 1] if depth <= len(LEVELS) else None
    if level is None or not level.pattern.fullmatch(code):
        shapes = ", ".join(other.shape for other in LEVELS[:-1])
        raise InvalidValue(f"malformed code {code!r} (expected {shapes} or {LEVELS[-1].shape})")
    return level


def row_is_clean(level: Level, code: str, name: str, parent: str | None) -> bool:
    """The quick checks of a registry row (values already stripped): a code of the level's shape,
    a name of 1 to NAME_MAX_LENGTH characters, a parent that is the code's prefix."""
    return bool(
        level.pattern.fullmatch(code)
        and name
        and len(name) <= NAME_MAX_LENGTH
        and (parent is None or code.rpartition(".")[0] == parent)
    )


def counts(changes, attribute: str) -> str:
    """`1 province, 10 regencies, ...`: `attribute` of each level's changes (objects with a
    `level`), e.g. the units an import created."""
    return ", ".join(change.level.count(getattr(change, attribute)) for change in changes)

"""What higher apps add to the registry's pages (as warkop/extensions.py does for kiosks), so that
villages imports none of them: coverage adds each village's connectivity and warkop its kiosks to
the facts a pilot is chosen by (the kecamatan page's table, the village page's facts), registered
in their `AppConfig.ready` (`coverage/village_facts.py`, `warkop/village_facts.py`).

A fact reads its data as annotations of the villages' one query (`annotate`), so the pages cost
the same number of queries whatever the facts and the number of villages.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

#: What a missing figure reads (never "None").
NO_DATA = _("no data yet")


@dataclass(frozen=True)
class Cell:
    """One fact of one village: the text shown, the value sorted on (None: unknown, always last)
    and, optionally, the CSS classes of a badge, a link and a tooltip."""

    text: str
    sort: object = None
    badge: str = ""  # e.g. "badge badge-selected"
    url: str = ""
    title: str = ""


@dataclass(frozen=True)
class VillageFact:
    """A column of the pilot-choice table and a line of the village page's facts.

    `annotate(villages) -> villages` adds what `cell(village)` reads (None: nothing to add);
    `summary(villages) -> Cell` is the kecamatan's figure, from its villages' values."""

    key: str  # the table's ?sort= key, unique
    label: str
    cell: Callable[[object], Cell]
    annotate: Callable[[QuerySet], QuerySet] | None = None
    summary: Callable[[list], Cell] | None = None
    numeric: bool = field(default=False)  # right-aligned
    stylesheet: str = ""  # a static file the page links (the badges' styles)
    order: int = 50  # place among the other apps' facts (lowest first)


#: `facts(user) -> list[VillageFact]`: the facts a higher app adds, empty when `user` may not
#: read them.
village_facts: list[Callable] = []

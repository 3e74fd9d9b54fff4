"""Search that forgives: registry names found whatever their accents, case, spaces or a typo,
ranked (docs/search.md).

Names are compared in a normal form that PostgreSQL computes and stores when a name is written
(generated columns `search_name` and `search_compact`, function `villages_search_name` of
migration 0008: `unaccent`, lower case, every run of other characters than a-z and 0-9 one space;
the compact form without spaces, so "batuampar" finds Batu Ampar). A name matches when the query
is in it (with or without spaces), when a word of it is like the query (pg_trgm's word
similarity) or when the whole of it is (trigram similarity, without spaces). Each
condition is an operator that the GIN trigram indexes on the two columns answer, so a search reads
the indexes, not every name, and ranks only the names they return.

The rank, best first: exact name > name starting with the query > query inside the name (at a
word's start or anywhere) > a word like the query (word similarity ≥ WORD_SIMILAR) > the name
like the query. A kabupaten/kota that matches closely (tier 3 or better, or similarity ≥ CLOSE)
counts three steps more, a kecamatan one: the name people mean is more often the larger place, so
"kepahyang" gives Kabupaten Kepahiang first, then the villages named Kepahyang. A query starting
with a kind ("kota bengkulu", "desa batu ampar") searches the rest and puts that kind first.

`SearchQuerySet` gives every registry model `search(text)`; `villages.selectors.search_places`
mixes the ranked kabupaten/kota, kecamatan and desa/kelurahan of one search.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import BooleanField, Case, F, FloatField, Func, IntegerField, Q, Value, When
from django.db.models.functions import Greatest, Replace
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

#: Longest query read (characters): the longest name of the registry is under 60.
MAX_QUERY = 100
#: Shortest query (normalised characters) searched by similarity; shorter ones match by prefix.
MIN_SIMILAR = 3
#: A word of the name at least this like the query (pg_trgm word_similarity) ranks as a word match.
WORD_SIMILAR = 0.5
#: A match at least this close (word similarity or similarity) lifts a larger unit above villages.
CLOSE = 0.5
#: Steps a close match of a larger unit gains in the rank (see the module docstring).
LEVEL_BONUS = {"province": 4, "regency": 3, "district": 1, "village": 0}

#: Words naming a kind of unit: a query starting with one searches the rest and prefers that kind.
KIND_WORDS = {
    "kabupaten": "regency",
    "kab": "regency",
    "kota": "regency",
    "kecamatan": "district",
    "kec": "district",
    "desa": "village",
    "kelurahan": "village",
    "kel": "village",
}
_CODE = re.compile(r"[0-9]{2}(\.[0-9]{1,2}(\.[0-9]{1,2}(\.[0-9]{1,4})?)?)?\.?")
_WORDS = re.compile(r"[a-z0-9]+")


def normalise(text: str) -> str:
    """Python's twin of SQL `villages_search_name`: accents off, lower case, words of a-z/0-9
    separated by one space (NUL, `%`, `_` and every other sign become spaces)."""
    decomposed = unicodedata.normalize("NFKD", text[: MAX_QUERY * 2])
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(_WORDS.findall(plain))


@dataclass(frozen=True)
class Query:
    """A search text made ready: its normal form `text`, `compact` (no spaces), the kind of unit
    it names first (`kabupaten …`), or the code prefix it is."""

    text: str
    compact: str
    prefer: str = ""  # "regency", "district", "village" or ""
    code: str = ""

    @classmethod
    def parse(cls, raw: str | None) -> Query | None:
        """None when there is nothing to search (empty, only signs, one character)."""
        raw = (raw or "").strip()[:MAX_QUERY]
        if _CODE.fullmatch(raw):
            return cls(text=raw, compact=raw, code=raw.rstrip("."))
        text = normalise(raw)
        words = text.split(" ")
        prefer = ""
        if len(words) > 1 and words[0] in KIND_WORDS:
            prefer = KIND_WORDS[words[0]]
            text = " ".join(words[1:])
        compact = text.replace(" ", "")
        if len(compact) < 2:
            return None
        return cls(text=text, compact=compact, prefer=prefer)


#: The planner's cost of pg_trgm's `%` and `<%` functions (its default, 1, makes a scan of every
#: name look cheaper than the trigram indexes on a registry of Bengkulu's size, where it is ~10×
#: slower). Set by `tune_trigram_costs` after every `migrate`.
TRIGRAM_COST = 20
TRIGRAM_FUNCTIONS = ("similarity_op(text, text)", "word_similarity_op(text, text)")


def tune_trigram_costs(*, using: str = "default", **kwargs) -> None:
    """post_migrate (villages): give pg_trgm's operator functions TRIGRAM_COST. Kept outside the
    migration because a restored dump recreates the extension with its defaults; a role that
    does not own the extension only gets a warning (the searches are right either way)."""
    from django.db import DatabaseError, connections, transaction

    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_proc WHERE proname IN ('similarity_op', "
            "'word_similarity_op') AND procost <> %s",
            [TRIGRAM_COST],
        )
        if not cursor.fetchone()[0]:
            return
        try:
            with transaction.atomic(using=using):
                for function in TRIGRAM_FUNCTIONS:
                    cursor.execute(f"ALTER FUNCTION {function} COST {TRIGRAM_COST}")
        except DatabaseError as error:
            logger.warning("pg_trgm's function costs left as they are: %s", error)


class SearchName(Func):
    """`villages_search_name(expr)`: the normal form of a name (SQL function of migration 0008)."""

    function = "villages_search_name"
    output_field = models.TextField()


class KindStripped(Func):
    """A regency's name without its leading "kabupaten"/"kota" (matched with the query's
    `prefer`), so "kepahiang" is the exact name of Kabupaten Kepahiang."""

    function = "regexp_replace"
    template = "%(function)s(%(expressions)s, '^(kabupaten|kota) ', '')"
    output_field = models.TextField()


def search_name(field: str = "name", *, strip_kind: bool = False) -> Func:
    expression = SearchName(F(field))
    return KindStripped(expression) if strip_kind else expression


def compact_name(field: str = "name", *, strip_kind: bool = False) -> Func:
    return Replace(
        search_name(field, strip_kind=strip_kind),
        Value(" "),
        Value(""),
        output_field=models.TextField(),
    )


def search_fields(*, strip_kind: bool = False) -> tuple[models.GeneratedField, ...]:
    """`search_name` and `search_compact` of a registry model: the name's two normal forms,
    computed and stored by PostgreSQL whenever the name changes (GENERATED ALWAYS ... STORED), so
    a search reads them instead of computing them for every name it looks at."""
    return tuple(
        models.GeneratedField(
            expression=expression(strip_kind=strip_kind),
            output_field=models.TextField(),
            db_persist=True,
            verbose_name=label,
        )
        for expression, label in (
            (search_name, _("name for searching")),
            (compact_name, _("name for searching, without spaces")),
        )
    )


def search_indexes(prefix: str, *, full: bool = False) -> list[GinIndex]:
    """GIN trigram indexes on the normal forms (a model's Meta.indexes)."""
    fields = ["search_name", "search_compact", *(["search_full"] if full else [])]
    return [
        GinIndex(
            fields=[field],
            opclasses=["gin_trgm_ops"],
            name=f"{prefix}_{field}_trgm",
        )
        for field in fields
    ]


class TrigramOperator(Func):
    """`lhs <op> rhs` with a pg_trgm operator, as a condition the GIN trigram index answers."""

    template = "(%(expressions)s)"
    output_field = BooleanField()

    def __init__(self, lhs, operator: str, rhs, **extra):
        self.arg_joiner = f" {operator} "
        super().__init__(lhs, rhs, **extra)


class WordSimilarity(Func):
    function = "word_similarity"
    output_field = FloatField()


class Similarity(Func):
    function = "similarity"
    output_field = FloatField()


def search_rank(unit, query: Query | None = None) -> int:
    """A searched unit's rank across levels: its tier, plus its level's bonus (and 10 for the
    kind the query named first) when it matches closely (tier 3 or better, or score ≥ CLOSE)."""
    level = unit.search_level
    bonus = LEVEL_BONUS[level] + (10 if query is not None and query.prefer == level else 0)
    close = unit.search_tier >= 3 or unit.search_score >= CLOSE
    return unit.search_tier + bonus if close else unit.search_tier


class SearchQuerySet(models.QuerySet):
    """`search(text)`: the rows whose name matches, best first, annotated with `search_tier`
    (5 exact … 1 similar) and `search_score` (0–1 similarity); `search_rank(unit, query)` places
    them among the other levels' (villages.selectors.search_places). Registry models set
    `search_level` ("regency", "district", "village") and have the `search_fields()` (a regency
    also `search_full`, its whole name's normal form)."""

    def matching(self, text: str | None):
        """A filter, not a search: the rows whose name contains `text` (accents, case and spaces
        forgiven, no typos) or whose code starts with it; order untouched. On the trigram
        indexes. The lists' and the API's `q` (villages.filtersets.SearchMixin)."""
        raw = (text or "").strip()[:MAX_QUERY]
        if _CODE.fullmatch(raw):
            return self.filter(code__startswith=raw.rstrip("."))
        words = normalise(raw)
        if not words:
            return self.none()
        condition = Q(search_name__contains=words) | Q(
            search_compact__contains=words.replace(" ", "")
        )
        if self.model.search_level == "regency":
            condition |= Q(search_full__contains=words)
        return self.filter(condition)

    def search(self, text: str | Query | None):
        query = text if isinstance(text, Query) or text is None else Query.parse(text)
        if query is None:
            return self.none()
        if query.code:
            return (
                self.filter(code__startswith=query.code)
                .annotate(
                    search_tier=Value(5, IntegerField()),
                    search_score=Value(1.0, FloatField()),
                )
                .order_by("code")
            )
        level = self.model.search_level
        q, qc = Value(query.text), Value(query.compact)
        name, compact = F("search_name"), F("search_compact")
        contains = Q(search_name__contains=query.text) | Q(search_compact__contains=query.compact)
        prefix = Q(search_name__startswith=query.text) | Q(search_compact__startswith=query.compact)
        if level == "regency":  # a regency's whole name too ("kota" finds every kota)
            contains |= Q(search_full__contains=query.text)
            prefix |= Q(search_full__startswith=query.text)
        if len(query.compact) >= MIN_SIMILAR:
            # `%` (similarity without spaces ≥ pg_trgm.similarity_threshold, 0.3) and `<%` (word
            # similarity ≥ pg_trgm.word_similarity_threshold, 0.6): the index answers each. (The
            # similarity with spaces too doubled the candidates of a national search for little.)
            condition = (
                contains
                | Q(TrigramOperator(qc, "%%", compact))
                | Q(TrigramOperator(q, "<%%", name))
            )
        else:
            condition = prefix | Q(search_name__contains=" " + query.text)
        word = WordSimilarity(q, name)
        tier = Case(
            When(Q(search_name=query.text) | Q(search_compact=query.compact), then=5),
            When(prefix, then=4),
            When(contains, then=3),
            When(Q(search_word__gte=WORD_SIMILAR), then=2),
            default=1,
            output_field=IntegerField(),
        )
        score = Greatest(word, Similarity(qc, compact))
        # Best first by search_rank within one level: the bonus is the same for every row, so
        # a level with a bonus puts its close matches first, then orders by tier and score.
        order = ["-search_tier", "-search_score", "name", "code"]
        if LEVEL_BONUS[level] or query.prefer == level:
            close = Case(
                When(contains | prefix, then=True),
                default=GreaterThanOrEqual(score, CLOSE),
                output_field=BooleanField(),
            )
            order.insert(0, close.desc())
        return (
            self.filter(condition)
            .alias(search_word=word)
            .annotate(search_score=score, search_tier=tier)
            .order_by(*order)
        )

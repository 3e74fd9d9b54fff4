"""Read-only API lists near their floor (issue #14): the rows a serializer would give, read with
`values_list` and converted column by column, instead of building a model instance per row and
serialising it field by field (SQL was ~8 ms of the village list's 29–58 ms).

`rows_for(view)` plans the columns from the view's serializer as declared, so the field list
stays in one place:

- model fields and `source="a.b"` paths are read as `a__b`; a slug or primary-key relation as
  its slug or key; dates, times and decimals go through the field's own `to_representation`,
  strings, integers, booleans and string choices pass as read;
- a field class may say how it is read with `fast_read(path) -> (expressions, convert)` (the
  points: portal.core.drf.fields);
- a serializer may give an ORM path for a method field in `fast_sources`;
- any other field (a nested serializer, a method field without a path, a string of a related
  object) makes the plan None, and the view serialises as DRF does.

`tests/portal/test_fast_lists.py` compares the answers byte for byte with DRF's own.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.db.models import F, FloatField, Func
from rest_framework import ISO_8601
from rest_framework import serializers as drf
from rest_framework.settings import api_settings

from portal.core.datacache import cached
from portal.core.scopes import scope_key

#: Fields whose representation of a non-null database value is the value itself.
PASS_THROUGH = (drf.CharField, drf.IntegerField, drf.BooleanField)
CONVERTED = (drf.DateField, drf.DateTimeField, drf.TimeField, drf.DecimalField, drf.FloatField)


@dataclass
class Column:
    name: str
    width: int  # how many values of the row it reads
    convert: Callable | None  # None: the single value as read


def point_read(path: str):
    """The `fast_read` of a point shown as {"lat": .., "lng": ..} (6 decimals), or null."""
    both = Func(
        F(path),
        template="ARRAY[ST_Y(%(expressions)s::geometry), ST_X(%(expressions)s::geometry)]",
        output_field=ArrayField(FloatField()),
    )

    def convert(lat_lng):
        lat, lng = lat_lng
        return None if lat is None else {"lat": round(lat, 6), "lng": round(lng, 6)}

    return [both], convert


def _choice_pass_through(field) -> bool:
    return all(isinstance(key, str) for key in field.choices)


def converter(field) -> Callable:
    """The field's representation of a non-null value (null stays null): DRF's ISO 8601 dates
    and times written directly (the same text: `test_fast_lists`), else the field's own."""
    represent = field.to_representation
    iso = getattr(field, "format", None) in (None, ISO_8601)
    if type(field) is drf.DateField and iso and api_settings.DATE_FORMAT == ISO_8601:
        return lambda v: None if v is None else v.isoformat()
    if type(field) is drf.DateTimeField and iso and api_settings.DATETIME_FORMAT == ISO_8601:
        zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
        if zone is not None:

            def when(value):
                if value is None:
                    return None
                text = value.astimezone(zone).isoformat()
                return text[:-6] + "Z" if text.endswith("+00:00") else text

            return when
    return lambda v: None if v is None else represent(v)


def _as_read(field) -> bool:
    """The field shows a non-null value as read from the database (a key, a string choice)."""
    if isinstance(field, drf.PrimaryKeyRelatedField):
        return field.pk_field is None
    if isinstance(field, drf.ChoiceField):
        return _choice_pass_through(field)
    return isinstance(field, PASS_THROUGH)


def plan(serializer) -> tuple[list, list[Column]] | None:
    """(expressions to read, columns) for `serializer`'s fields, or None."""
    declared = getattr(serializer, "fast_sources", {})
    reads, columns = [], []
    for name, field in serializer.fields.items():
        if field.write_only:
            continue
        if name in declared:
            reads.append(declared[name])
            columns.append(Column(name, 1, None))
            continue
        if field.source == "*":
            return None
        path = "__".join(field.source_attrs)
        reader = getattr(field, "fast_read", None)
        if reader is not None:
            expressions, convert = reader(path)
            reads.extend(expressions)
            columns.append(Column(name, len(expressions), convert))
        elif isinstance(field, drf.SlugRelatedField):
            reads.append(f"{path}__{field.slug_field}")
            columns.append(Column(name, 1, None))
        elif _as_read(field):
            reads.append(path)
            columns.append(Column(name, 1, None))
        elif type(field) in CONVERTED:
            reads.append(path)
            columns.append(Column(name, 1, converter(field)))
        else:
            return None
    return reads, columns


def values(queryset, reads: list):
    """`queryset` as tuples of `reads` (paths and expressions, in order)."""
    names, annotations = [], {}
    for i, read in enumerate(reads):
        if isinstance(read, str):
            names.append(read)
        else:
            names.append(f"fast_{i}")
            annotations[f"fast_{i}"] = read
    return (
        queryset.annotate(**annotations).values_list(*names)
        if annotations
        else (queryset.values_list(*names))
    )


def to_dicts(rows, columns: list[Column]) -> list[dict]:
    names = [column.name for column in columns]
    if all(column.width == 1 and column.convert is None for column in columns):
        return [dict(zip(names, row, strict=True)) for row in rows]
    if all(column.width == 1 for column in columns):
        converted = [(i, c.convert) for i, c in enumerate(columns) if c.convert is not None]
        out = []
        for row in rows:
            row = list(row)
            for i, convert in converted:
                row[i] = convert(row[i])
            out.append(dict(zip(names, row, strict=True)))
        return out
    steps = []
    index = 0
    for column in columns:
        steps.append((column.name, index, column.width, column.convert))
        index += column.width
    out = []
    for row in rows:
        item = {}
        for name, start, width, convert in steps:
            if convert is None:
                item[name] = row[start]
            elif width == 1:
                item[name] = convert(row[start])
            else:
                item[name] = convert(*row[start : start + width])
        out.append(item)
    return out


#: Plans by serializer class: they depend on its declared fields only.
_PLANS: dict = {}


def rows_for(view):
    """The list answer's data of `view` (a paginated dict, or a list), or None when its
    serializer cannot be read this way."""
    serializer_class = view.get_serializer_class()
    if serializer_class not in _PLANS:
        _PLANS[serializer_class] = plan(serializer_class(context=view.get_serializer_context()))
    planned = _PLANS[serializer_class]
    if planned is None:
        return None
    reads, columns = planned
    queryset = view.filter_queryset(view.get_queryset())
    rows = values(queryset, reads)
    request = view.request
    params = sorted((k, v) for k, vs in request.query_params.lists() for v in vs if k != "page")
    count_name = f"count:{request.path}?{params}"
    page = view.paginate_queryset(Counted(rows, queryset, count_name, scope_key(request.user)))
    if page is not None:
        return view.get_paginated_response(to_dicts(page, columns)).data
    return to_dicts(rows, columns)


class Counted:
    """The rows to paginate, counted on the queryset they come from (a count of the rows with
    their expressions would compute those, a point's coordinates, for every row of the list),
    once per version of the data for all the pages of a list."""

    def __init__(self, rows, queryset, name: str, scope: str):
        self.rows, self.queryset, self.name, self.scope = rows, queryset, name, scope
        self.ordered = rows.ordered

    def count(self) -> int:
        """Kept in the figures cache: every page of a list shares its count until a write."""
        return cached(self.name, self.queryset.count, scope=self.scope)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        return self.rows[index]

"""The API's filter backend: the shared FilterSets, read strictly.

The HTML lists and the API share their FilterSets (`<app>/filtersets.py`). A form is lenient: an
empty value means "any", and django-filter reads a yes/no it does not know as "any" too. An API
client deserves to hear that its filter was not understood, so that a typo never silently returns
everything: here a yes/no filter takes `true` or `false` only, and a typed filter (yes/no, choice,
number, date) with an empty value answers 400 instead of being ignored. The OpenAPI schema says
the same (booleans, enums, numbers).
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

BOOLEAN_VALUES = ("true", "false")


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is not None:
            check_query(filterset, request.query_params)
        return super().filter_queryset(request, queryset, view)


def check_query(filterset, params) -> None:
    """Refuse values that the lenient form fields would read as "no filter"."""
    errors = {}
    for name, filter_ in filterset.filters.items():
        if name not in params:
            continue
        value = params.get(name)
        if isinstance(filter_, django_filters.BooleanFilter):
            if value not in BOOLEAN_VALUES:
                errors[name] = [_("Give true or false.")]
        elif not isinstance(filter_, django_filters.CharFilter) and value.strip() == "":
            errors[name] = [_("Give a value, or leave this filter out.")]
    if errors:
        raise ValidationError(errors)

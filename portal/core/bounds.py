"""Numbers within their database columns: a value a column cannot hold is refused as a 400 that
names the field, never sent to PostgreSQL (an "integer out of range" there is a 500).

The range of a column comes from the model field: Django gives every integer field validators
for its database range (PositiveIntegerField 0…2147483647, SmallIntegerField −32768…32767,
BigIntegerField ±9223372036854775807 …), to which a field's own validators may add tighter
ones; a DecimalField holds ±(10^(max_digits − decimal_places) − 10^−decimal_places).

- API: `ColumnBoundsMixin` (through `portal.core.drf.serializers.BoundedModelSerializer` and
  `BoundedSerializer`) gives each writable IntegerField and DecimalField of a serializer the
  range of the model field it is stored in (by its `source` on `Meta.model`), unless it declares
  a tighter one; an integer field with no column is held to the widest one (bigint).
- Forms: `ColumnBoundsFormMixin` does the same for a plain form's numeric fields named like the
  fields of its `bounds_model`; `column_bounds(model, name)` gives the keyword arguments for a
  field declared with another name.
"""

import decimal

from django import forms
from django.core import validators
from django.db import connection, models
from rest_framework import serializers

#: The widest integer column (PostgreSQL bigint).
BIGINT = (-9223372036854775808, 9223372036854775807)


def column_range(model_field) -> tuple | None:
    """(lowest, highest) value the model field's column holds, or None (not a number)."""
    if isinstance(model_field, models.DecimalField):
        if model_field.max_digits is None or model_field.decimal_places is None:
            return None
        places = model_field.decimal_places
        highest = decimal.Decimal(10) ** (model_field.max_digits - places) - decimal.Decimal(
            10
        ) ** (-places)
        low, high = -highest, highest
    elif isinstance(model_field, models.IntegerField):
        low, high = connection.ops.integer_field_range(model_field.get_internal_type())
        low = BIGINT[0] if low is None else low
        high = BIGINT[1] if high is None else high
    else:
        return None
    for validator in model_field.validators:
        if isinstance(validator, validators.MinValueValidator) and not callable(
            validator.limit_value
        ):
            low = max(low, validator.limit_value)
        elif isinstance(validator, validators.MaxValueValidator) and not callable(
            validator.limit_value
        ):
            high = min(high, validator.limit_value)
    return low, high


def _model_field(model, source: str):
    if model is None or not source or "." in source or source == "*":
        return None
    try:
        return model._meta.get_field(source)
    except Exception:  # not a model field (a property, a write-only input)
        return None


def _tighten(field, low, high, *, messages, validator_messages: bool) -> None:
    """Give a form or serializer field a min_value/max_value no wider than (low, high)."""
    if field.max_value is None or field.max_value > high:
        field.max_value = high
        message = messages["max_value"].format(max_value=high) if validator_messages else None
        field.validators.append(validators.MaxValueValidator(high, message=message))
    if field.min_value is None or field.min_value < low:
        field.min_value = low
        message = messages["min_value"].format(min_value=low) if validator_messages else None
        field.validators.append(validators.MinValueValidator(low, message=message))


class ColumnBoundsMixin:
    """For serializers: numeric input fields bounded by their column (see the module)."""

    def get_fields(self):
        fields = super().get_fields()
        model = getattr(getattr(self, "Meta", None), "model", None)
        for name, field in fields.items():
            if field.read_only or not isinstance(
                field, serializers.IntegerField | serializers.DecimalField
            ):
                continue
            # `source` is set when the field is bound, after this: until then, its name
            bounds = column_range(_model_field(model, field.source or name))
            if bounds is None:
                if not isinstance(field, serializers.IntegerField):
                    continue
                bounds = BIGINT
            _tighten(field, *bounds, messages=field.error_messages, validator_messages=True)
        return fields


def column_bounds(model, name: str) -> dict:
    """Keyword arguments (min_value, max_value) for a form field stored in `model.name`."""
    low, high = column_range(model._meta.get_field(name))
    return {"min_value": low, "max_value": high}


class ColumnBoundsFormMixin:
    """For plain forms whose numeric fields are stored in the same-named fields of
    `bounds_model`: they are refused beyond the column's range, with the form's usual message."""

    bounds_model = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if not isinstance(field, forms.IntegerField | forms.DecimalField):
                continue
            bounds = column_range(_model_field(self.bounds_model, name))
            if bounds is None:
                continue
            _tighten(field, *bounds, messages={}, validator_messages=False)
            field.widget.attrs.update(field.widget_attrs(field.widget))

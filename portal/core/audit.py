"""Reading the audit trail (django-pghistory events) for pages: who, through what, which values."""

import datetime
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.gis.db.models import GeometryField, PointField
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pghistory.models import Events

LABELS = {
    "insert": _("created"),
    "update": _("changed"),
    "delete": _("deleted"),
    "account.role": _("role changed"),
    "account.deactivated": _("account deactivated"),
    "account.activated": _("account reactivated"),
    "account.invited": _("invitation sent again"),
}
HIDDEN_FIELDS = {"pgh_id", "pgh_created_at", "pgh_label", "pgh_obj", "pgh_context"}
EMPTY = "—"


def describe(events) -> list:
    """Materialise `events`, attaching `actor` (User or None), `source` (the URL or management
    command), `label_display` and `changes` [(field, before, after)] to each, with one query for
    all the users."""
    events = list(events)
    user_model = get_user_model()
    user_ids = {(event.pgh_context or {}).get("user") for event in events} - {None}
    # The users named in the changes (recorded by, decided by…) are read with the actors.
    for event in events:
        if (event.pgh_label or "").startswith("account."):
            event._model, event._raw = None, []
            continue
        label = getattr(event, "pgh_obj_model", None)
        event._model = _model_of(label) if label else None
        event._raw = _raw_changes(event)
        for name, before, after in event._raw:
            field = _field_of(event._model, name)
            if isinstance(field, models.ForeignKey) and field.related_model is user_model:
                user_ids |= {v for v in (before, after) if isinstance(v, int)}
    users = user_model.objects.in_bulk(user_ids) if user_ids else {}
    user_names = {
        str(pk): user.get_full_name() or user.get_username() for pk, user in users.items()
    }
    for event in events:
        context = event.pgh_context or {}
        event.actor = users.get(context.get("user"))
        if event.actor is not None:
            event.actor_display = event.actor.get_full_name() or event.actor.get_username()
        elif context.get("os_user"):
            event.actor_display = f"{context['os_user']} (server)"
        else:
            event.actor_display = "—"
        if context.get("url"):
            event.source = context["url"]
        elif context.get("command"):
            event.source = f"manage.py {context['command']}"
        else:
            event.source = _("database (no context)")
        event.label_display = LABELS.get(event.pgh_label, event.pgh_label)
        label = getattr(event, "pgh_obj_model", None)
        event.object_display = _object_display(
            event._model, label, getattr(event, "pgh_obj_id", "")
        )
        if event.pgh_label.startswith("account."):
            event.changes = _account_changes(context)
        else:
            event.changes = _humanise(event._model, event._raw, event.pgh_label, user_names)
        del event._model, event._raw
    return events


def _account_changes(context: dict) -> list:
    """What a user-management event changed, from its context (the new role and scope)."""
    rows = []
    if context.get("role"):
        from portal.core.roles import Role

        try:
            role = str(Role(context["role"]).label)
        except ValueError:
            role = context["role"]
        rows.append((gettext("Role"), "", role))
        if context.get("regencies"):
            rows.append((gettext("Kabupaten/kota in scope"), "", ", ".join(context["regencies"])))
    if "is_active" in context:
        rows.append(
            (gettext("Active"), "", gettext("Yes") if context["is_active"] else gettext("No"))
        )
    return rows


def _raw_changes(event) -> list:
    if event.pgh_label == "update" and event.pgh_diff:
        return [(field, before, after) for field, (before, after) in event.pgh_diff.items()]
    return [
        (field, None, value)
        for field, value in (event.pgh_data or {}).items()
        if field not in HIDDEN_FIELDS
    ]


def _model_of(label):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError, TypeError):
        return None


def _object_display(model, label, pk) -> str:
    name = str(model._meta.verbose_name).capitalize() if model is not None else label
    return f"{name} {pk}"


def _field_of(model, name):
    """The model field an event column holds: columns are attnames (`village_id` for `village`)."""
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        for field in model._meta.concrete_fields:
            if field.attname == name:
                return field
    return None


def _humanise(model, raw, label, user_names) -> list:
    """[(field label, before, after)] in the reader's language: the field's verbose name, choice
    labels, yes/no, local dates, users by name, other related rows by their key (a Kemendagri
    code, an id), and geometry as "boundary changed" or "location changed" instead of its hex.
    Sorted by label; no query of its own (the users come with the actors)."""
    fields = {name: _field_of(model, name) for name, _before, _after in raw}
    names = {get_user_model(): user_names}
    rows = []
    for name, before, after in raw:
        field = fields[name]
        if field is None:
            title = name.replace("_", " ").capitalize()
        else:
            title = str(field.verbose_name).capitalize()
        if isinstance(field, GeometryField):
            moved = gettext("location changed") if isinstance(field, PointField) else None
            if label == "update":
                before, after = "", moved or gettext("boundary changed")
            else:
                before = ""
                after = gettext("recorded") if after not in (None, "") else EMPTY
        else:
            before = _value_display(field, before, names)
            after = _value_display(field, after, names)
        rows.append((title, before, after))
    rows.sort(key=lambda row: row[0])
    return rows


def _value_display(field, value, names) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if field is None:
        return str(value)
    if isinstance(field, models.ForeignKey):
        if field.related_model in names:
            return names[field.related_model].get(str(value), f"#{value}")
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(str(value))
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    elif isinstance(field, models.DateField):
        day = value if isinstance(value, datetime.date) else parse_date(str(value))
        if day is not None:
            return formats.date_format(day, "SHORT_DATE_FORMAT")
    elif isinstance(field, (models.DecimalField, models.FloatField, models.IntegerField)):
        try:
            return formats.localize(Decimal(str(value)), use_l10n=True)
        except (InvalidOperation, ValueError):
            return str(value)
    if isinstance(value, (list, dict)):
        return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return str(value)


def history_of(*objects) -> list:
    """The described events of `objects` and of rows that reference them, newest first.

    An object with no event of its own may still have a creation recorded elsewhere: when its
    model has an `audit_creation_event()` method, the event it returns (shaped like a described
    event) is listed. Registry units created by `import_regions` use it (villages.models).
    """
    events = describe(Events.objects.references(*objects).order_by("-pgh_created_at", "-pgh_id"))
    for obj in objects:
        creation = getattr(obj, "audit_creation_event", None)
        if creation is None:
            continue
        model, pk = obj._meta.label, str(obj.pk)
        if not any(e.pgh_obj_model == model and e.pgh_obj_id == pk for e in events):
            event = creation()
            if event is not None:
                events.append(event)
    return events

"""Reading the audit trail (django-pghistory events) for pages: who, through what, which values."""

from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pghistory.models import Events

LABELS = {"insert": _("created"), "update": _("changed"), "delete": _("deleted")}
HIDDEN_FIELDS = {"pgh_id", "pgh_created_at", "pgh_label", "pgh_obj", "pgh_context"}


def describe(events) -> list:
    """Materialise `events`, attaching `actor` (User or None), `source` (the URL or management
    command), `label_display` and `changes` [(field, before, after)] to each, with one query for
    all the users."""
    events = list(events)
    user_ids = {(event.pgh_context or {}).get("user") for event in events} - {None}
    users = get_user_model().objects.in_bulk(user_ids) if user_ids else {}
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
        if event.pgh_label == "update" and event.pgh_diff:
            event.changes = [
                (field, before, after) for field, (before, after) in sorted(event.pgh_diff.items())
            ]
        else:
            event.changes = [
                (field, None, value)
                for field, value in sorted((event.pgh_data or {}).items())
                if field not in HIDDEN_FIELDS
            ]
    return events


def history_of(*objects) -> list:
    """The described events of `objects` and of rows that reference them, newest first.

    A registry unit created by `import_regions` and never changed since has no event of its own:
    its creation is the import's (RegistryImport), shown here with the unit's values, which are
    still those it was imported with (its first change writes them as its "insert" event).
    """
    events = describe(Events.objects.references(*objects).order_by("-pgh_created_at", "-pgh_id"))
    for obj in objects:
        if getattr(obj, "imported_by_id", None) is None:
            continue
        model, pk = obj._meta.label, str(obj.pk)
        if not any(e.pgh_obj_model == model and e.pgh_obj_id == pk for e in events):
            events.append(_import_creation(obj))
    return events


def _import_creation(unit) -> SimpleNamespace:
    """The creation of `unit` by its registry import, shaped like a described event."""
    from villages.models import UNTRACKED_UNIT_FIELDS, RegistryImport

    record = RegistryImport.objects.select_related("context").get(pk=unit.imported_by_id)
    values = {
        field.attname: field.value_from_object(unit)
        for field in unit._meta.concrete_fields
        if field.name not in UNTRACKED_UNIT_FIELDS
    }
    event = SimpleNamespace(
        pgh_created_at=record.created_at,
        pgh_label="insert",
        pgh_obj_model=unit._meta.label,
        pgh_obj_id=str(unit.pk),
        pgh_context=record.context.metadata if record.context else {},
        pgh_diff=None,
        pgh_data=values,
    )
    describe([event])
    event.source = gettext("%(source)s (registry import #%(number)s)") % {
        "source": event.source,
        "number": record.pk,
    }
    return event

"""Reading the audit trail (django-pghistory events) for pages: who, through what, which values."""

from django.contrib.auth import get_user_model
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

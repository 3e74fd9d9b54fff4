"""The audit trail of registry units created by an import (see `track_registry_unit`)."""

from types import SimpleNamespace

from django.utils.translation import gettext

from portal.core.audit import describe

#: Registry columns the audit trail leaves out: the (large) boundary, the timestamp and the link to
#: the import that created the unit.
UNTRACKED_UNIT_FIELDS = ["boundary", "updated_at", "imported_by"]


class CreatedByImport:
    """A registry unit created by `import_regions` and never changed since has no event of its
    own: its creation is its import's (RegistryImport). `portal.core.audit.history_of` lists the
    event this returns, with the unit's values, which are still those it was imported with (its
    first change writes them as its "insert" event)."""

    def audit_creation_event(self):
        if self.imported_by_id is None:
            return None
        registry_import = self._meta.get_field("imported_by").related_model
        record = registry_import.objects.select_related("context").get(pk=self.imported_by_id)
        values = {
            field.attname: field.value_from_object(self)
            for field in self._meta.concrete_fields
            if field.name not in UNTRACKED_UNIT_FIELDS
        }
        event = SimpleNamespace(
            pgh_created_at=record.created_at,
            pgh_label="insert",
            pgh_obj_model=self._meta.label,
            pgh_obj_id=str(self.pk),
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

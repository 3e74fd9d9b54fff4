"""The audit trail of registry units created by an import (see `track_registry_unit`)."""

from types import SimpleNamespace

import pghistory
import pgtrigger
from django.contrib.gis.db import models
from django.utils.translation import gettext

from portal.core.audit import describe

#: Registry columns the audit trail leaves out: the (large) boundary, the timestamp, the link to
#: the import that created the unit and the name's normal forms (generated from the name).
UNTRACKED_UNIT_FIELDS = [
    "boundary",
    "updated_at",
    "imported_by",
    "search_name",
    "search_compact",
    "search_full",
]


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


def track_registry_unit(model):
    """The audit trail of a registry unit: every insert, update and delete, by database triggers.
    The (large) boundary is left out; the event copy of the centroid needs no spatial index.
    (Trackers hold per-model state, so each model gets new ones.)

    Units created by `import_regions` get no insert event of their own: the import is recorded
    once (RegistryImport, linked from each unit by `imported_by`), and two statement-level
    triggers, which fire before pghistory's (PostgreSQL fires them in name order), write the unit's
    "insert" event the first time it is changed or deleted, from its row as it was until then
    (its values as imported), dated and attributed like the import. Every change then has its
    values before and after, and a national import writes one audit row instead of 91,599.
    """
    model = pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        exclude=UNTRACKED_UNIT_FIELDS,
        attrs={"centroid": models.PointField(srid=4326, null=True, spatial_index=False)},
    )(model)
    columns = [
        field.column
        for field in model._meta.concrete_fields
        if field.name not in UNTRACKED_UNIT_FIELDS
    ]
    table = model._meta.db_table
    body = f"""
        INSERT INTO "{table}event" ({", ".join(f'"{c}"' for c in columns)},
                                    pgh_obj_id, pgh_label, pgh_created_at, pgh_context_id)
        SELECT {", ".join(f'o."{c}"' for c in columns)},
               o.code, 'insert', i.created_at, i.context_id
        FROM old_values o JOIN villages_registryimport i ON i.id = o.imported_by_id
        WHERE NOT EXISTS (SELECT FROM "{table}event" e WHERE e.pgh_obj_id = o.code);
        RETURN NULL;
    """
    return pgtrigger.register(
        *(
            pgtrigger.Trigger(
                # "baseline_" sorts before pghistory's "delete_" and "update_" triggers.
                name=f"baseline_{operation.name.lower()}",
                level=pgtrigger.Statement,
                when=pgtrigger.After,
                operation=operation,
                referencing=pgtrigger.Referencing(old="old_values"),
                func=body,
            )
            for operation in (pgtrigger.Update, pgtrigger.Delete)
        )
    )(model)

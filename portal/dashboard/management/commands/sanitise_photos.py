"""Re-encode the photos stored before every upload went through `portal.core.images`: their EXIF
(GPS position, device, time) and any other metadata are dropped, and files that are no photo
are listed (and removed with --delete-unreadable). Run once after upgrading; a second run
re-encodes again (a small loss of quality, nothing else)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from coverage.models import SurveyPhoto
from coverage.validators import MAX_PHOTO_BYTES
from portal.core.images import resanitise_stored
from portal.core.management.base import AuditedCommand
from warkop.models import CheckIn, WarkopPhoto


class Command(AuditedCommand):
    help = (
        "Re-encode every stored kiosk, check-in and survey photo without metadata (EXIF GPS). "
        "Files that are no photo are reported; --delete-unreadable removes them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete-unreadable",
            action="store_true",
            help="Delete photos that do not decode (the row and the file; a check-in loses its "
            "photo only).",
        )

    def handle(self, *args, delete_unreadable=False, **options):
        kiosk_bytes = settings.WARKOP_PHOTO_MAX_MB * 1024 * 1024
        # Stored files may predate today's byte limits: allow them (the pixel limit still holds).
        sources = [
            (WarkopPhoto, "image", max(kiosk_bytes, MAX_PHOTO_BYTES) * 4),
            (CheckIn, "photo", max(kiosk_bytes, MAX_PHOTO_BYTES) * 4),
            (SurveyPhoto, "image", MAX_PHOTO_BYTES * 4),
        ]
        done = refused = missing = 0
        for model, field, max_bytes in sources:
            rows = model.objects.exclude(**{field: ""}).order_by("pk")
            for row in rows.iterator():
                field_file = getattr(row, field)
                label = f"{model._meta.label} {row.pk} ({field_file.name})"
                if not field_file.storage.exists(field_file.name):
                    missing += 1
                    self.stderr.write(f"missing file: {label}")
                    continue
                try:
                    new_name = resanitise_stored(field_file, max_bytes=max_bytes)
                except ValidationError as error:
                    refused += 1
                    self.stderr.write(f"not a photo: {label}: {' '.join(error.messages)}")
                    if delete_unreadable:
                        self._delete(model, row, field)
                    continue
                with transaction.atomic():
                    model.objects.filter(pk=row.pk).update(**{field: new_name})
                done += 1
        self.stdout.write(
            f"{done} photos re-encoded without metadata, {refused} not photos"
            f"{' (deleted)' if delete_unreadable and refused else ''}, {missing} files missing."
        )

    def _delete(self, model, row, field):
        field_file = getattr(row, field)
        with transaction.atomic():
            if model is CheckIn:
                model.objects.filter(pk=row.pk).update(**{field: ""})
            else:
                model.objects.filter(pk=row.pk).delete()
        field_file.storage.delete(field_file.name)

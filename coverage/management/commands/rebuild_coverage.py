"""Recompute the map grid and every village's connectivity from the surveys that count."""

from portal.core.management.base import AuditedCommand

from ...services import rebuild_derived


class Command(AuditedCommand):
    help = (
        "Flag again the survey locations nobody confirmed (SURVEY_LOCATION_TOLERANCE_M, village "
        "boundaries), then recompute the coverage map grid (MapCell) and village connectivity "
        "from the surveys that count (verified, and in their village or with the location "
        "confirmed). The review service keeps both up to date; run this after restoring data, "
        "importing boundaries, or changing the tolerance or the connectivity rules."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep-location-flags",
            action="store_true",
            help="Do not flag the unconfirmed survey locations again.",
        )

    def handle(self, *args, keep_location_flags=False, **options):
        result = rebuild_derived(refresh_locations=not keep_location_flags)
        self.stdout.write(
            f"{result['location_flags_changed']} survey location flags changed, "
            f"{result['cells']} grid cells, {result['villages']} villages with surveys that count."
        )

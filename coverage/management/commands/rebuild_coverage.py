"""Recompute the map grid and every village's connectivity from the verified surveys."""

from portal.management.base import AuditedCommand

from ...services import rebuild_derived


class Command(AuditedCommand):
    help = (
        "Recompute the coverage map grid (MapCell) and village connectivity from the verified "
        "surveys. The review service keeps both up to date; run this after restoring data or "
        "changing the connectivity rules."
    )

    def handle(self, *args, **options):
        result = rebuild_derived()
        self.stdout.write(
            f"{result['cells']} grid cells, {result['villages']} villages with verified surveys."
        )

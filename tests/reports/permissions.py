"""Permission-matrix entries of the reports: staff and admins read, generate and sign them off;
nobody else sees them (registered after tests/portal/permissions.py, whose programme they use)."""

from tests.permissions import STAFF_ACTION, STAFF_PAGE

ENTRIES = {
    "reports:list": ("get", lambda w: "/reports/", STAFF_PAGE),
    "reports:generate": ("post", lambda w: "/reports/generate/", STAFF_ACTION),
    "reports:detail": ("get", lambda w: f"/reports/{w['report'].pk}/", STAFF_PAGE),
    "reports:pdf": ("get", lambda w: f"/reports/{w['report'].pk}/pdf/", STAFF_PAGE),
    "reports:sign": ("post", lambda w: f"/reports/{w['report'].pk}/sign/", STAFF_ACTION),
}
DATA = {"reports:generate": {"kind": "weekly"}}


def populate(world: dict) -> None:
    """A ready weekly report of the programme (generated for real: figures and PDF)."""
    import datetime

    from portal.reports import services

    report = services.report_request(
        programme=world["programme"],
        kind="weekly",
        on=datetime.date(2026, 11, 27),
        by=world["users"]["staff"],
    )
    world["report"] = services.report_generate(report_id=report.pk)

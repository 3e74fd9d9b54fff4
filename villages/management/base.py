"""The shared shape of the registry import commands."""

from django.core.management.base import CommandError

from portal.core.management.base import AuditedCommand
from villages.importers.problems import ImportDataError


class ImportCommand(AuditedCommand):
    """Runs `run_import(**options)` (an importer of `villages.importers`), turns bad input into a
    CommandError (exit 1, the file and line in the message) and prints the importer's report."""

    def run_import(self, **options):
        raise NotImplementedError

    def handle(self, *args, verbosity, **options):
        try:
            report = self.run_import(**options)
        except ImportDataError as exc:
            raise CommandError(exc.message) from exc
        if verbosity:
            lines = report.summary(sample=0 if verbosity > 1 else 10)
            style = self.style.SUCCESS if report.changed else self.style.NOTICE
            self.stdout.write(style(lines[0]))
            for line in lines[1:]:
                self.stdout.write(line)

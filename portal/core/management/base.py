"""A base for management commands that change data: their changes carry an audit context."""

import getpass

import pghistory
from django.core.management.base import BaseCommand


class AuditedCommand(BaseCommand):
    """Runs the command inside a pghistory context naming the command and the operating-system
    user, so that every row it changes (through the ORM, raw SQL or bulk updates, all recorded by
    database triggers) is attributed in the audit trail."""

    def execute(self, *args, **options):
        try:
            os_user = getpass.getuser()
        except (KeyError, OSError):
            os_user = "unknown"
        command = self.__module__.rsplit(".", 1)[-1]
        with pghistory.context(command=command, os_user=os_user):
            return super().execute(*args, **options)

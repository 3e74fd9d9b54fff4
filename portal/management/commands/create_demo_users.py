"""Create the demo accounts of a development portal and print their passwords once."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from portal.management.base import AuditedCommand

DEMO_USERS = [
    # username, description, superuser, permissions (app_label.codename)
    ("admin", "Administrator (superuser)", True, []),
    (
        "staf",
        "Provincial staff, Tim Percepatan (may propose and decide pilots)",
        False,
        ["villages.add_pilot", "villages.change_pilot", "villages.view_pilot"],
    ),
    ("petugas", "Kominfotik officer", False, []),
]


class Command(AuditedCommand):
    help = "Create demo accounts (admin, staf, petugas) with random passwords, printed once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Give existing demo accounts new passwords."
        )

    def handle(self, *args, reset=False, **options):
        User = get_user_model()
        printed = []
        for username, description, superuser, perms in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is not None and not reset:
                continue
            password = secrets.token_urlsafe(12)
            if user is None:
                user = User(username=username, email=f"{username}@demo.invalid")
            user.is_staff = superuser
            user.is_superuser = superuser
            user.first_name = description.split(" (")[0]
            user.set_password(password)
            user.save()
            for perm in perms:
                app_label, codename = perm.split(".")
                user.user_permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )
            printed.append((username, password, description))
        if not printed:
            self.stdout.write(
                "Demo accounts already exist (their passwords were printed when they were "
                "created; `manage.py create_demo_users --reset` gives new ones)."
            )
            return
        self.stdout.write(self.style.WARNING("Demo accounts (shown once, write them down):"))
        for username, password, description in printed:
            self.stdout.write(f"  {username:<10} {password:<20} {description}")

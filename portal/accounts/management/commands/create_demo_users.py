"""Create the demo accounts of a development portal, one per role; print their passwords once."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import CommandError

from portal.accounts.models import Organisation, OrganisationKind, Profile
from portal.core.management.base import AuditedCommand
from portal.core.roles import Role

SAMPLE_ORGANISATION = "Contoh Operator Warkop (data contoh)"

# username, role, regencies in scope, partner organisation?
DEMO_USERS = [
    ("admin", Role.ADMIN, [], False),
    ("staf", Role.PROVINCIAL_STAFF, [], False),
    ("petugas", Role.OFFICER, ["17.03"], False),
    ("supervisor", Role.SUPERVISOR, [], False),
    ("mitra", Role.PARTNER, [], True),
]


class Command(AuditedCommand):
    help = (
        "Create demo accounts, one per role (admin, staf, petugas limited to Bengkulu Utara, "
        "supervisor, mitra of a sample organisation), with random passwords printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Give existing demo accounts new passwords."
        )

    def handle(self, *args, reset=False, **options):
        User = get_user_model()
        if not Group.objects.filter(name=Role.ADMIN.value).exists():
            raise CommandError("The role groups are missing: run `manage.py migrate` first.")
        printed = []
        for username, role, regencies, partner in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is not None and not reset:
                continue
            password = secrets.token_urlsafe(12)
            if user is None:
                user = User(username=username, email=f"{username}@demo.invalid")
            user.is_staff = user.is_superuser = role == Role.ADMIN
            user.first_name = f"Demo {role.label}"
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=role.value)])
            profile, _ = Profile.objects.get_or_create(user=user)
            if partner:
                profile.organisation, _ = Organisation.objects.get_or_create(
                    name=SAMPLE_ORGANISATION, defaults={"kind": OrganisationKind.KIOSK_OPERATOR}
                )
                profile.save()
            profile.regencies.set(regencies)
            printed.append((username, password, role.label, ", ".join(regencies)))
        if not printed:
            self.stdout.write(
                "Demo accounts already exist (their passwords were printed when they were "
                "created; `manage.py create_demo_users --reset` gives new ones)."
            )
            return
        self.stdout.write(self.style.WARNING("Demo accounts (shown once, write them down):"))
        for username, password, label, scope in printed:
            scope = f" — kabupaten {scope}" if scope else ""
            self.stdout.write(f"  {username:<11} {password:<18} {label}{scope}")

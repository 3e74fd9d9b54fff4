"""factory_boy factories shared by the tests."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from portal.accounts.models import Organisation, OrganisationKind, Profile
from portal.core.roles import Role

PASSWORD = "correct horse battery staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"PT Mitra Digital {n}")
    kind = OrganisationKind.KIOSK_OPERATOR


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a role: `UserFactory(role=Role.OFFICER, regencies=["17.01"])`."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=Role(extracted).value))

    @factory.post_generation
    def scope(self, create, extracted, **kwargs):
        organisation = kwargs.get("organisation")
        regencies = kwargs.get("regencies") or []
        profile, _ = Profile.objects.get_or_create(user=self)
        if organisation is not None:
            profile.organisation = organisation
            profile.save()
        if regencies:
            profile.regencies.set(regencies)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    """A programme, not current (make one current with services.programme_make_current)."""

    class Meta:
        model = "programme.Programme"

    name = factory.Sequence(lambda n: f"Programme {n}")
    start_date = factory.Faker("date_object")
    length_working_days = 100


class MilestoneFactory(factory.django.DjangoModelFactory):
    """A manual milestone; pass kind="metric", metric=... for a measured one."""

    class Meta:
        model = "programme.Milestone"

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    responsible_unit = "Diskominfotik Provinsi Bengkulu"
    due_day = 20
    kind = "manual"

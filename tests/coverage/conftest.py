import pytest

from portal.core.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def officer(db):
    """An officer of Kabupaten Bengkulu Selatan (17.01)."""
    return UserFactory(username="petugas", role=Role.OFFICER, scope__regencies=["17.01"])


@pytest.fixture
def supervisor(db):
    return UserFactory(username="supervisor", role=Role.SUPERVISOR, scope__regencies=["17.01"])


@pytest.fixture
def partner(db):
    return UserFactory(username="mitra", role=Role.PARTNER)

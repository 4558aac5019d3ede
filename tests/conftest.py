import pytest
from django.test import Client

from accounts.models import User
from tests.factories import StaffFactory


@pytest.fixture
def staff_user(db: None) -> User:
    return StaffFactory(email="staff@example.org")


@pytest.fixture
def staff_client(client: Client, staff_user: User) -> Client:
    client.force_login(staff_user)
    return client

"""Every response says which browser features the site never uses (issue 30, item 13)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)


@pytest.mark.parametrize("path", ["/", "/healthz", "/no-such-page/", "/accounts/login/"])
def test_responses_carry_a_permissions_policy(client: Client, path: str) -> None:
    response = client.get(path)

    assert response["Permissions-Policy"] == POLICY

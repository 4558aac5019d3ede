"""The Redis namespace does not depend on how DATABASE_URL is spelled (issue 30, item 5)."""

import environ
import pytest
from django.conf import settings
from django.test import Client

from outreach.settings import namespace_for_database


def namespace(url: str) -> str:
    return namespace_for_database(environ.Env.db_url_config(url))


def test_loopback_spellings_and_the_default_port_give_one_namespace() -> None:
    spellings = [
        "postgres://outreach@localhost/outreach",
        "postgres://outreach@127.0.0.1:5432/outreach",
        "postgres://outreach@[::1]:5432/outreach",
        "postgres://outreach@LOCALHOST:5432/outreach",
    ]

    assert len({namespace(url) for url in spellings}) == 1


def test_two_tenants_on_one_database_get_two_namespaces() -> None:
    """A schema per tenant: same server and database name, another user or search_path."""
    tenant_a = "postgres://tenant_a@127.0.0.1:5432/outreach?options=-c%20search_path%3Dtenant_a"
    tenant_b = "postgres://tenant_b@127.0.0.1:5432/outreach?options=-c%20search_path%3Dtenant_b"
    same_user_b = "postgres://tenant_a@127.0.0.1:5432/outreach?options=-c%20search_path%3Dtenant_b"

    assert len({namespace(tenant_a), namespace(tenant_b), namespace(same_user_b)}) == 3


def test_another_database_name_or_server_gives_another_namespace() -> None:
    base = namespace("postgres://outreach@127.0.0.1:5432/outreach")

    assert namespace("postgres://outreach@127.0.0.1:5432/staging") != base
    assert namespace("postgres://outreach@db.example.org:5432/outreach") != base
    assert namespace("postgres://outreach@127.0.0.1:5433/outreach") != base


@pytest.mark.django_db
def test_healthz_shows_the_namespace(client: Client) -> None:
    assert client.get("/healthz").json()["namespace"] == settings.REDIS_NAMESPACE

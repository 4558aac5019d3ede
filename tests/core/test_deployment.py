"""One deployment, one namespace: a process whose Redis namespace is not the one its database
recorded is refused at start-up, before it serves or runs anything."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from core.deployment import NamespaceMismatch, deployment_namespace_claim
from core.models import Deployment
from tests.harness import child_env, run_child, run_setup


def test_the_first_process_records_the_namespace_and_the_same_one_is_accepted(db: None) -> None:
    assert deployment_namespace_claim(namespace="outreach-aaa") == "outreach-aaa"
    assert deployment_namespace_claim(namespace="outreach-aaa") == "outreach-aaa"
    assert list(Deployment.objects.values_list("redis_namespace", flat=True)) == ["outreach-aaa"]


def test_another_namespace_is_refused_with_the_recorded_one_named(db: None) -> None:
    deployment_namespace_claim(namespace="outreach-aaa")

    with pytest.raises(NamespaceMismatch) as refusal:
        deployment_namespace_claim(namespace="outreach-bbb")

    assert refusal.value.recorded == "outreach-aaa"
    assert "REDIS_NAMESPACE=outreach-aaa" in str(refusal.value)


def test_the_command_records_a_new_namespace_for_the_whole_deployment(
    db: None, settings, capsys: pytest.CaptureFixture[str]
) -> None:
    deployment_namespace_claim(namespace="outreach-old")
    settings.REDIS_NAMESPACE = "outreach-new"

    call_command("deployment_namespace", "--record")

    assert "recorded: outreach-new" in capsys.readouterr().out
    assert deployment_namespace_claim(namespace="outreach-new") == "outreach-new"


@pytest.mark.django_db(transaction=True)
def test_a_web_process_with_another_namespace_exits_before_serving(
    scratch_database_url: str, tmp_path: Path
) -> None:
    env = child_env(scratch_database_url)
    env.pop("REDIS_NAMESPACE", None)
    run_setup(env)
    check = "from outreach.web import refuse_another_namespace; refuse_another_namespace()"
    run_child(env, "-c", check)  # the deployment's own namespace: accepted (and recorded)

    refused = subprocess.run(
        [sys.executable, "-m", "outreach.serve", "web"],
        env={**env, "REDIS_NAMESPACE": "outreach-somebody-else", "WEB_PORT": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert refused.returncode == 1
    assert "web refused" in refused.stderr
    assert "REDIS_NAMESPACE=outreach-" in refused.stderr

"""A bounded schemathesis pass over the whole API, run with every test (SQLite and PostgreSQL).

Every operation of /api/v1/openapi.json gets a fixed number of generated requests that fit
its document and as many that do not, sent by a campaign office with a real token over a
small tree with a campaign, records and an import job, so that ids in paths sometimes
name something. Every answer must be no 5xx, a status the document declares for the
operation, with the declared content type and a body matching the declared schema. The
seed is fixed (derandomize), so a failure comes back on every run.
"""

import logging
import time
from datetime import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import Failure, FailureGroup

from xuejiao.accounts.services import create_api_token
from xuejiao.ledger import services
from xuejiao.ledger.models import Activity, ActivityKind
from xuejiao.wsgi import application

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Requests per operation and generation mode: 20 operations x 2 modes x 30 examples.
EXAMPLES = 30


@pytest.fixture
def wsgi_requests_inside_the_test_transaction():
    """The requests go through the WSGI application in this thread, on the test's database
    connection; Django closes that connection at the end of each request unless, as its
    own test client does, close_old_connections is disconnected meanwhile."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def some_records(personas, tree, campaign):
    """A few records the generated ids can hit: one draft, one submitted."""
    for submit in (False, True):
        services.create_activity(
            actor=personas["zhengfei_operator"],
            organization=tree.zhengfei,
            campaign=campaign,
            submit=submit,
            kind=ActivityKind.THEME_DAY,
            title="线上主题党日",
            starts_at=datetime(2021, 5, 20, 19, 30, tzinfo=timezone.get_current_timezone()),
            first_agenda=True,
            first_agenda_content="学习",
        )
    return Activity.objects.all()


def test_every_answer_of_the_api_is_one_its_document_declares(
    wsgi_requests_inside_the_test_transaction, personas, some_records, caplog
):
    caplog.set_level(logging.ERROR, logger="django.request")  # not a line per 404
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    _token, raw = create_api_token(user=personas["city_admin"], name="fuzz")
    headers = {"Authorization": f"Bearer {raw}"}
    failures: list[str] = []
    sent = 0
    started = time.monotonic()

    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                nonlocal sent
                sent += 1
                response = case.call(headers=headers)
                case.validate_response(response, checks=CHECKS)

            try:
                run()
            except FailureGroup as group:
                failures += [f"{operation.label} ({mode.value}): {failure}" for failure in group.exceptions]
            except Failure as failure:
                failures.append(f"{operation.label} ({mode.value}): {failure}")

    elapsed = time.monotonic() - started
    print(f"schemathesis: {sent} requests in {elapsed:.1f} s")
    assert not failures, "\n\n".join(failures)
    assert sent >= 20 * 2 * EXAMPLES * 0.9


def test_every_operation_declares_the_errors_it_can_answer_with(client):
    document = client.get("/api/v1/openapi.json").json()
    writes = {"post", "patch", "put", "delete"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            declared = {code for code in operation["responses"] if code.startswith("4")}
            expected = {"401", "422"}
            if "{" in path:
                expected.add("404")
            if method in writes:
                expected |= {"400", "403"}
            assert expected <= declared, (method, path, declared)
            for code in declared:
                schema = operation["responses"][code]["content"]["application/json"]["schema"]["$ref"]
                assert schema.endswith("/InvalidOut" if code == "422" else "/ErrorOut"), (method, path, code)

"""Property-based API run from ``/openapi.json`` (schemathesis 4): a bounded number of generated requests per
operation, authenticated as an admin (every route open to it); none may answer with a 5xx.

Operations are driven one by one with Hypothesis rather than through ``schemathesis.pytest.from_fixture``,
whose lazy loader sets ``request.node._nodeid``, an attribute pytest 9 no longer has."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from schemathesis.checks import not_a_server_error
from webapp_helpers import accounts_by_role, bearer, demo_files, make_app, wait_done

MAX_EXAMPLES = 10


def test_api_never_answers_5xx(settings):
    app = make_app(settings)
    headers = bearer(accounts_by_role(app), "admin")
    from fastapi.testclient import TestClient

    with TestClient(app) as c:  # one finished job, so that job routes have something to find
        job_id = c.post("/api/jobs", files=demo_files(), headers=headers).json()["id"]
        assert wait_done(c, job_id, headers)["status"] == "done"

    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    for op in operations:
        @given(case=op.as_strategy())
        @hsettings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                   suppress_health_check=list(HealthCheck))
        def run(case) -> None:
            if "job_id" in (case.path_parameters or {}) and case.path_parameters["job_id"].startswith("0"):
                case.path_parameters["job_id"] = job_id  # reach real results now and then
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, report together
            failures.append(f"{op.label}: {str(exc).strip().splitlines()[0] if str(exc).strip() else exc!r}")
    assert not failures, "\n".join(failures)

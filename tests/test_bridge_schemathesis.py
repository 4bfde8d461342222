"""Property-based fuzzing of the bridge API from its own OpenAPI document (schemathesis,
few examples per operation to stay fast): no input may cause a server error, and every
operation that declares the bearer scheme must refuse requests without it."""
from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed (pip install schemathesis==4.32.5)")
from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import ignored_auth  # noqa: E402

from bridge_server.app import create_app  # noqa: E402
from bridge_server.config import load_config  # noqa: E402

TOKEN = "fuzz-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}", "Host": "127.0.0.1"}


def test_api_never_errors_and_always_needs_the_token(tmp_path):
    app = create_app(load_config(config_dir=tmp_path / "c", data_dir=tmp_path / "d", token=TOKEN))
    with TestClient(app, base_url="http://127.0.0.1"):  # runs the lifespan: store, runner
        schema = schemathesis.openapi.from_asgi("/v1/openapi.json", app, headers=HEADERS)
        operations = [op.ok() for op in schema.get_all_operations()]
        assert len(operations) >= 12
        for operation in operations:
            @given(case=operation.as_strategy())
            @settings(max_examples=6, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            def fuzz(case):
                case.call_and_validate(headers=HEADERS, checks=[not_a_server_error, ignored_auth])

            fuzz()

"""Schemathesis against the OpenAPI document: generated requests to every operation,
in process, with a valid admin key. No answer may be a 5xx, and every answer must match
the document (status code, content type, headers, body schema).

Bounded: ``EXAMPLES`` valid-per-schema requests and ``NEGATIVE`` invalid ones per
operation (a few hundred in all), derandomised so a failure replays.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from leadflow.services.form_config import FormsConfig, FormSpec, TrackingSpec

EXAMPLES = 8
NEGATIVE = 2
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def forms() -> FormsConfig:
    return FormsConfig(
        forms={"contact": FormSpec(fields={"email": "email", "name": "first_name"})},
        tracking=TrackingSpec(origins=("https://www.example.com",)),
    )


def _operations(app: FastAPI) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def _exercise(operation: Any, mode: GenerationMode, examples: int, auth: dict[str, str]) -> int:
    calls = 0
    overrides = {"form_id": "contact"} if "{form_id}" in operation.path else None

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=overrides))
    def run(case: Any) -> None:
        nonlocal calls
        calls += 1
        response = case.call(headers=auth)
        case.validate_response(response, checks=CHECKS, headers=auth)

    try:
        run()
    except Unsatisfiable:
        # Nothing to make invalid: an operation without parameters or body has no
        # negative cases (its positive run covered it).
        assert mode is GenerationMode.NEGATIVE, operation.path
    return calls


@pytest.mark.slow
def test_generated_requests_get_no_5xx_and_match_the_document(
    app: FastAPI, api_keys: dict[str, str]
) -> None:
    auth = {"X-API-Key": api_keys["admin"]}
    operations = _operations(app)
    calls = 0
    for operation in operations:
        calls += _exercise(operation, GenerationMode.POSITIVE, EXAMPLES, auth)
        calls += _exercise(operation, GenerationMode.NEGATIVE, NEGATIVE, auth)

    print(f"schemathesis: {calls} requests over {len(operations)} operations")
    assert len(operations) >= 25
    assert calls >= 300

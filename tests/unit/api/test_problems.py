"""Problem kinds: stable, distinct type URIs; the JSON shape RFC 9457 names."""

from __future__ import annotations

import json

from leadflow.api.problems import PROBLEM_MEDIA_TYPE, ProblemKind, problem_response


def test_every_kind_has_its_own_type_uri() -> None:
    uris = [kind.type_uri for kind in ProblemKind]

    assert len(set(uris)) == len(uris)
    assert ProblemKind.RATE_LIMITED.type_uri == "https://leadflow.dev/problems/rate_limited"


def test_a_problem_response_carries_the_rfc_members() -> None:
    reply = problem_response(ProblemKind.CONFLICT, "taken", instance="/contacts")

    assert reply.status_code == 409
    assert reply.media_type == PROBLEM_MEDIA_TYPE
    assert json.loads(reply.body) == {
        "type": "https://leadflow.dev/problems/conflict",
        "title": "The request conflicts with the current state",
        "status": 409,
        "detail": "taken",
        "instance": "/contacts",
    }


def test_statuses_map_back_to_their_kind() -> None:
    assert ProblemKind.for_status(404) is ProblemKind.NOT_FOUND
    assert ProblemKind.for_status(422) is ProblemKind.VALIDATION
    assert ProblemKind.for_status(418) is ProblemKind.BAD_REQUEST

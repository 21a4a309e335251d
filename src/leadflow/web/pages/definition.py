"""The definition: the active one, readable by everyone, with the warnings ``leadflow
definition validate`` prints; admins check a candidate (its validation errors
``FILE:LINE: key.path: message`` or its warnings, the meaning diff against the active
one), back-test it on the store's history (``services.backtest``: what it would have
handed to sales, and how much of that was won) and then activate it.

A candidate travels as text only: the check page carries it in a hidden field to the
activate form, and the activation compiles it again, so what is activated is exactly
what was checked and nothing is kept between the two requests.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from leadflow.definition.describe import describe_condition, describe_matcher
from leadflow.definition.diff import diff_definitions
from leadflow.definition.located import located_warnings
from leadflow.services.backtest import BacktestError, BacktestRequest, backtest
from leadflow.services.candidates import CANDIDATE_SOURCE, activate_candidate, check_candidate
from leadflow.services.definition_versions import recent_versions, stored_version
from leadflow.services.definitions import active_definition, leads_in_retired_stages
from leadflow.services.refusals import InvalidInputError
from leadflow.web.deps import NowDep, ReadsDep, WebDep, WritesDep
from leadflow.web.guard import EVERY_ROLE, page
from leadflow.web.labels import stage_names
from leadflow.web.rendering import render
from leadflow.web.state import WebState

__all__ = ["router"]

router = APIRouter()

MAX_CANDIDATE = 512 * 1024  # a definition is a few kilobytes; the body limit is 1 MiB
Candidate = Annotated[str, Form(max_length=MAX_CANDIDATE)]


@router.get("/definition", dependencies=[page(*EVERY_ROLE)])
def definition(request: Request, session: ReadsDep, activated: str = "") -> Response:
    language: str = request.state.language
    active = active_definition(session)
    versions = recent_versions(session)
    current = stored_version(session, active.version_id)
    context = {
        "section": "definition",
        "d": active.definition,
        "row": current,
        "versions": versions,
        "names": stage_names(active.definition, language),
        "condition": describe_condition,
        "matcher": describe_matcher,
        "activated": activated == "1",
        # After a change that renamed or removed stages: the leads still standing in them
        # wait for a rescore (docs/definition.md#versions-in-a-workspace).
        "retired": leads_in_retired_stages(session, active.definition),
        # What ``leadflow definition validate`` warns about: it loads but cannot work so.
        "warnings": located_warnings(current.yaml, CANDIDATE_SOURCE),
    }
    return render(request, "definition.html", context)


@router.post("/definition/check", dependencies=[page()])
def check(
    request: Request,
    session: ReadsDep,
    text: Candidate = "",
    upload: Annotated[UploadFile | None, File()] = None,
) -> Response:
    return _checked(request, session, _candidate_text(text, upload), run_backtest=False)


@router.post("/definition/backtest", dependencies=[page()])
def backtest_candidate(request: Request, session: ReadsDep, text: Candidate) -> Response:
    """The check page again, with the back-test of the candidate on the store's history."""
    return _checked(request, session, text, run_backtest=True)


@router.post("/definition/activate", dependencies=[page()])
def activate(web: WebDep, session: WritesDep, now: NowDep, text: Candidate) -> Response:
    activate_candidate(session, text, now)
    # The API's event path keeps the active definition in memory: make it read again.
    web.api.recorders.forget_active()
    return RedirectResponse(f"{web.prefix}/definition?activated=1", status_code=303)


def _checked(request: Request, session: Session, candidate: str, *, run_backtest: bool) -> Response:
    web: WebState = request.app.state.web
    report = check_candidate(candidate)
    active = active_definition(session).definition
    changes = () if report.definition is None else diff_definitions(active, report.definition)
    tried = None
    if run_backtest and report.definition is not None:
        asked = BacktestRequest(candidate=report.definition)
        try:
            tried = backtest(web.api.engine, asked, clock=web.api.clock)
        except BacktestError as error:
            raise InvalidInputError(str(error)) from None
    context = {
        "section": "definition",
        "names": stage_names(active, request.state.language),
        "candidate": candidate,
        "report": report,
        "changes": changes,
        "active": active,
        "backtest": tried,
        "warnings": ()
        if report.definition is None
        else located_warnings(candidate, CANDIDATE_SOURCE),
    }
    status = 200 if report.definition is not None else 422
    return render(request, "definition_check.html", context, status_code=status)


def _candidate_text(text: str, upload: UploadFile | None) -> str:
    if upload is not None and upload.filename:
        raw = upload.file.read(MAX_CANDIDATE + 1)
        if len(raw) > MAX_CANDIDATE:
            raise InvalidInputError(f"a definition file is limited to {MAX_CANDIDATE} bytes")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInputError("the file is not UTF-8 text") from None
    if not text.strip():
        raise InvalidInputError("paste a definition or choose a file")
    return text

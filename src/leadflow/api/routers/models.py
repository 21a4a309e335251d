"""Learned models (admin only): the stored ones, when each was active, switching them.

A model is stored by ``leadflow learn activate MODEL_FOLDER`` (its pickle runs code, so
it comes from the command line, never over HTTP); here an administrator lists the
stored models and their activation periods, makes a stored model the active one
again, or deactivates the active one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict

from leadflow.api.auth import allow
from leadflow.api.deps import NowDep, PrincipalDep, ReadSessionDep, StateDep, WriteSessionDep
from leadflow.api.problems import problem_responses
from leadflow.services import model_activation
from leadflow.services.prediction import activation_history, model_row, stored_models
from leadflow.store.models import PredictionModel, PredictionModelActivation

__all__ = ["router"]

router = APIRouter(prefix="/models", tags=["models"], responses=problem_responses(401, 403, 429))

ModelId = Annotated[int, Path(ge=1, le=2**62)]


class ModelPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    learner: str
    source: str
    digest: str
    active: bool
    created_at: datetime
    activated_at: datetime | None
    activated_by: str | None
    card: dict[str, Any]


class ActivationPublic(BaseModel):
    id: int
    model_id: int
    model_version: int
    activated_at: datetime
    activated_by: str | None
    deactivated_at: datetime | None
    deactivated_by: str | None

    @classmethod
    def of(cls, period: PredictionModelActivation, version: int) -> ActivationPublic:
        return cls(
            id=period.id,
            model_id=period.model_id,
            model_version=version,
            activated_at=period.activated_at,
            activated_by=period.activated_by,
            deactivated_at=period.deactivated_at,
            deactivated_by=period.deactivated_by,
        )


@router.get("", dependencies=[allow()], summary="The stored models, newest first.")
def list_models(session: ReadSessionDep) -> list[ModelPublic]:
    return [_public(row) for row in stored_models(session)]


@router.get(
    "/activations",
    dependencies=[allow()],
    summary="When each model was active, and who switched it; the latest first.",
)
def list_activations(session: ReadSessionDep) -> list[ActivationPublic]:
    return [ActivationPublic.of(period, version) for period, version in activation_history(session)]


@router.get(
    "/{model_id}",
    dependencies=[allow()],
    responses=problem_responses(404, 422),
    summary="One stored model and its card.",
)
def get_model(model_id: ModelId, session: ReadSessionDep) -> ModelPublic:
    return _public(model_row(session, model_id))


@router.post(
    "/{model_id}/activate",
    dependencies=[allow()],
    responses=problem_responses(404, 409, 422),
    summary="Make a stored model the active one (409 when it cannot be loaded here).",
)
def activate_model(
    model_id: ModelId,
    session: WriteSessionDep,
    now: NowDep,
    state: StateDep,
    principal: PrincipalDep,
) -> ModelPublic:
    row = model_activation.activate(session, model_id, now=now, actor=principal.actor)
    state.recorders.forget_active()  # the active model is read with the active definition
    return _public(row)


@router.post(
    "/deactivate",
    dependencies=[allow()],
    responses=problem_responses(409),
    summary="No active model: prediction is missing again (409 when none is active).",
)
def deactivate_model(
    session: WriteSessionDep, now: NowDep, state: StateDep, principal: PrincipalDep
) -> ModelPublic:
    row = model_activation.deactivate(session, now=now, actor=principal.actor)
    state.recorders.forget_active()
    return _public(row)


def _public(row: PredictionModel) -> ModelPublic:
    return ModelPublic.model_validate(row)

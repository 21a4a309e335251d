"""Switching the workspace's learned model from the API (use cases that commit).

    activate    make a stored model the active one again (NotFoundError, ConflictError
                when it cannot be loaded here)
    deactivate  no active model any more (ConflictError when none is)

Storing a new model from its files stays with the command line (``leadflow learn
activate``): the API and the web choose among the models already stored. Each change
writes its activation period with the flag (services/prediction.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from leadflow.services.prediction import activate_stored_model, deactivate_model
from leadflow.services.refusals import ConflictError
from leadflow.store.models import PredictionModel

__all__ = ["activate", "deactivate"]


def activate(session: Session, model_id: int, *, now: datetime, actor: str) -> PredictionModel:
    """The stored model ``model_id``, now active (unchanged when it already was)."""
    done = activate_stored_model(session, model_id, now=now, actor=actor)
    session.commit()
    return done.row


def deactivate(session: Session, *, now: datetime, actor: str) -> PredictionModel:
    """The model that was active, now no longer."""
    found = deactivate_model(session, now=now, actor=actor)
    if found is None:
        raise ConflictError("no model is active")
    session.commit()
    return found

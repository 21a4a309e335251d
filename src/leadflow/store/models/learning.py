"""Learned models kept in the workspace, so every process qualifies with the same one.

PredictionModel   one saved model version (``leadflow learn model``), stored whole: its
                  model card (JSON) and the pickled model itself, identified by the
                  SHA-256 of the pickle. At most one is active; while one is, the
                  real-time path and ``leadflow rescore`` fill ``Facts.prediction``
                  with its calibrated win probability (services/prediction.py).
PredictionModelActivation
                  one period during which a model was the active one: from its
                  activation to its deactivation (NULL while it lasts), and who did
                  each. The back-test replays each checkpoint with the model of the
                  period it falls in.

The pickle is kept in the database, not a path to it: the API server, the batch and
the command line may run on different machines, and a model file moved or retrained
in place must not change what an active model means.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.store.models.base import BIG_ID, Base

__all__ = ["PredictionModel", "PredictionModelActivation"]


class PredictionModel(Base):
    """A saved model version, stored verbatim. At most one is active."""

    __tablename__ = "prediction_models"
    __table_args__ = (
        # A partial unique index: many stored models, a single active one.
        Index(
            "uq_prediction_models_one_active",
            "active",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of ``model``
    version: Mapped[int] = mapped_column()  # the card's version (models/v<N>)
    source: Mapped[str] = mapped_column(String(1000))  # the folder it was read from
    learner: Mapped[str] = mapped_column(String(50))
    card: Mapped[dict[str, Any]] = mapped_column()
    model: Mapped[bytes] = mapped_column(LargeBinary)
    active: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column()  # when it was stored here
    activated_at: Mapped[datetime | None] = mapped_column()
    activated_by: Mapped[str | None] = mapped_column(String(200))


class PredictionModelActivation(Base):
    """A period during which one model was active; at most one period is open.

    Periods are written with the model's ``active`` flag, in the same transaction
    (services/prediction.py), so the open period is always the active model's, and
    the single-active index of ``prediction_models`` keeps a second one from opening."""

    __tablename__ = "prediction_model_activations"

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    model_id: Mapped[int] = mapped_column(BIG_ID, ForeignKey("prediction_models.id"), index=True)
    activated_at: Mapped[datetime] = mapped_column()
    deactivated_at: Mapped[datetime | None] = mapped_column()
    activated_by: Mapped[str | None] = mapped_column(String(200))
    deactivated_by: Mapped[str | None] = mapped_column(String(200))

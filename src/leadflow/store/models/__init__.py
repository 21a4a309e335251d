"""The tables of a leadflow workspace (SQLAlchemy 2 typed models).

    base      Base (naming convention, type map), Timestamped
    people    Account, AccountExternalId (its ids per CRM), Contact, Visitor, Consent,
              ConsentDecision (its history), Merge
    funnel    DefinitionVersion, Event, Qualification, StageTransition, BantFact
    sales     Handoff, SalesAttempt, Conversation, Opportunity
    reps      Team, TeamHoliday, Rep, RepAbsence, AccountOwner, RoundRobinState
    handoffs  Assignment, HandoffWork, SlaBreach, Rejection, OpportunityDetail, ...
    api       ApiKey, IdempotentReply, webhooks (subscriptions, outbox, deliveries), forms
    suppression  Suppression (an erased person's keyed hashes), WorkspaceSecret
    web       WebUser, WebSession (the web application), the leads list's indexes
    learning  PredictionModel (a learned model kept whole; the active one fills predictions),
              PredictionModelActivation (when each model was the active one)

The schema is created only by the Alembic migrations in ``leadflow.store.migrations``;
a test checks that the migrated schema and these models agree.
"""

from __future__ import annotations

from leadflow.store.models.api import (
    ApiKey,
    DeliveryAttempt,
    FormConfirmation,
    IdempotentReply,
    OutboxMessage,
    WebhookDelivery,
    WebhookSubscription,
)
from leadflow.store.models.base import Base, Timestamped
from leadflow.store.models.funnel import (
    BantFact,
    DefinitionVersion,
    Event,
    Qualification,
    StageTransition,
)
from leadflow.store.models.handoffs import (
    Assignment,
    HandoffWork,
    OpportunityDetail,
    OpportunityStageChange,
    Rejection,
    SlaBreach,
)
from leadflow.store.models.learning import PredictionModel, PredictionModelActivation
from leadflow.store.models.people import (
    Account,
    AccountExternalId,
    Consent,
    ConsentDecision,
    Contact,
    Merge,
    Visitor,
)
from leadflow.store.models.reps import (
    AccountOwner,
    Rep,
    RepAbsence,
    RoundRobinState,
    Team,
    TeamHoliday,
)
from leadflow.store.models.sales import Conversation, Handoff, Opportunity, SalesAttempt
from leadflow.store.models.suppression import Suppression, WorkspaceSecret
from leadflow.store.models.web import WebSession, WebUser

__all__ = [
    "Account",
    "AccountExternalId",
    "AccountOwner",
    "ApiKey",
    "Assignment",
    "BantFact",
    "Base",
    "Consent",
    "ConsentDecision",
    "Contact",
    "Conversation",
    "DefinitionVersion",
    "DeliveryAttempt",
    "Event",
    "FormConfirmation",
    "Handoff",
    "HandoffWork",
    "IdempotentReply",
    "Merge",
    "Opportunity",
    "OpportunityDetail",
    "OpportunityStageChange",
    "OutboxMessage",
    "PredictionModel",
    "PredictionModelActivation",
    "Qualification",
    "Rejection",
    "Rep",
    "RepAbsence",
    "RoundRobinState",
    "SalesAttempt",
    "SlaBreach",
    "StageTransition",
    "Suppression",
    "Team",
    "TeamHoliday",
    "Timestamped",
    "Visitor",
    "WebSession",
    "WebUser",
    "WebhookDelivery",
    "WebhookSubscription",
    "WorkspaceSecret",
]

"""The pages, one module per section; ``ROUTERS`` is what ``build_web`` includes.

signin      sign in and out, the language switch (public or any role)
dashboard   funnel, trend, channel quality, alignment (every role)
leads       the leads list: filters, sorts, keyset pages (every role)
lead        one lead: identity, explanation, BANT (sales states it), timeline
queue       a rep's queue: accept, reject, attempts, opportunities (sales)
definition  the active definition (every role); check and activate (admin)
reports     report tables and their CSV (every role)
settings    users, API keys, webhooks and their delivery log (admin)
"""

from __future__ import annotations

from fastapi import APIRouter

from leadflow.web.pages import (
    dashboard,
    definition,
    lead,
    leads,
    queue,
    reports,
    settings,
    signin,
)

__all__ = ["ROUTERS"]

ROUTERS: tuple[APIRouter, ...] = (
    signin.router,
    dashboard.router,
    leads.router,
    lead.router,
    queue.router,
    definition.router,
    reports.router,
    settings.router,
)

"""A small workspace for the web tests, built through the services (seconds, not minutes).

    build_world(engine, clock) -> World

The waterfall preset; one sales team with two reps (``r1``, ``r2``); three users, one
per role (the salesperson works ``r1``'s queue); twelve contacts at mid-sized software
companies. Eight ask for a demo (sales-ready, so handed off by round robin: the odd
ones to ``r1``, the even ones to ``r2``), four only read pages. One more contact
carries script and HTML in every free-text field it has (``HOSTILE``), for the
stored-XSS tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from leadflow.definition.builtin import preset_text
from leadflow.domain.clock import FixedClock
from leadflow.services.accounts import create_account
from leadflow.services.contacts import create_contact
from leadflow.services.definitions import activate_definition, active_definition
from leadflow.services.events import IncomingEvent, record_event
from leadflow.services.reps import add_rep, add_team
from leadflow.services.users import create_user
from leadflow.store.database import session_factory, writer

__all__ = ["HOSTILE", "PASSWORDS", "USERS", "World", "build_world"]

PASSWORDS = {
    "admin": "admin-password-1",
    "marketing": "marketing-pass-1",
    "sales": "sales-password-1",
}
USERS = {role: f"{role}@web.example" for role in PASSWORDS}

# Each payload would run or inject markup if printed unescaped. ``window.__xss`` set
# means a script ran; an alert opens a dialog the browser test listens for.
HOSTILE = {
    "script": "<script>window.__xss=1;alert('xss')</script>",
    "img": '"><img src=x onerror="window.__xss=2;alert(2)">',
    "svg": "<svg/onload=alert(3)>",
    "link": "javascript:alert(4)",
    "attr": "' autofocus onfocus='alert(5)",
    "style": "<style>body{display:none}</style>",
}


@dataclass(frozen=True, slots=True)
class World:
    ready: tuple[int, ...]  # contacts handed off to sales
    nurtured: tuple[int, ...]  # contacts that only read pages
    hostile: int  # the contact made of payloads


def build_world(engine: Engine, clock: FixedClock) -> World:
    with session_factory(writer(engine))() as session:
        activate_definition(
            session, preset_text("waterfall"), source_name="waterfall.yaml", now=clock.now()
        )
        session.commit()
        _users(session, clock)
        _desk(session, clock)
        ready = tuple(_lead(session, clock, n, "demo_request") for n in range(1, 9))
        nurtured = tuple(_lead(session, clock, n, "page_view") for n in range(9, 13))
        hostile = _hostile(session, clock)
    return World(ready, nurtured, hostile)


def _users(session: Session, clock: FixedClock) -> None:
    for role, password in PASSWORDS.items():
        create_user(
            session,
            email=USERS[role],
            name=f"{role.title()} Person",
            role=role,
            password=password,
            now=clock.now(),
            rep_key="r1" if role == "sales" else None,
        )


def _desk(session: Session, clock: FixedClock) -> None:
    add_team(
        session,
        key="benelux",
        name="Benelux",
        zone="Europe/Amsterdam",
        working_hours="mon-fri 09:00-17:00",
        now=clock.now(),
    )
    for key in ("r1", "r2"):
        add_rep(
            session,
            key=key,
            name=f"Rep {key}",
            email=f"{key}@web.example",
            team_key="benelux",
            capacity=20,
            now=clock.now(),
        )


def _account(session: Session, clock: FixedClock, domain: str, name: str) -> int:
    values = {
        "name": name,
        "domain": domain,
        "industry": "software",
        "employees": 200,
        "country": "NL",
        "revenue": 20_000_000,
    }
    return create_account(session, values, clock.now()).id


def _lead(session: Session, clock: FixedClock, number: int, kind: str) -> int:
    domain = f"company{number}.example"
    values = {
        "email": f"lead{number}@{domain}",
        "first_name": "Lead",
        "last_name": f"Number{number}",
        "title": "Marketing Director",
        "seniority": "director",
        "department": "marketing",
        "country": "NL",
        "company": f"Company {number}",
        "account_id": _account(session, clock, domain, f"Company {number}"),
        "source_channel": "linkedin" if number % 2 else "organic_search",
    }
    contact_id = create_contact(session, values, clock.now()).contact.id
    clock.current += timedelta(minutes=5)
    _event(session, clock, contact_id, "page_view", url="https://leadflow.example/pricing")
    _event(session, clock, contact_id, kind, url="https://leadflow.example/demo")
    return contact_id


def _hostile(session: Session, clock: FixedClock) -> int:
    p = HOSTILE
    values = {
        "email": "hostile@evil.example",
        "first_name": p["script"],
        "last_name": p["img"],
        "title": p["svg"],
        "company": p["attr"],
        "department": p["style"],
        "source_channel": p["img"],
        "source_campaign": p["script"],
        "owner": p["svg"],
        "account_id": _account(session, clock, "evil.example", p["script"]),
        "attributes": {p["svg"]: p["script"], "website": p["link"]},
    }
    contact_id = create_contact(session, values, clock.now()).contact.id
    _event(session, clock, contact_id, "page_view", url=p["link"], referrer=p["script"])
    _event(session, clock, contact_id, p["img"][:40].strip('"> '), note=p["img"])
    return contact_id


def _event(session: Session, clock: FixedClock, contact_id: int, kind: str, **props: str) -> None:
    clock.current += timedelta(minutes=1)
    incoming = IncomingEvent(
        kind, clock.now(), contact_id=contact_id, properties=props, source="web-test"
    )
    record_event(session, incoming, clock=clock, active=active_definition(session))

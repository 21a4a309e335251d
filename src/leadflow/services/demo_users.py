"""The demo workspace's users: one per role, with passwords written in the docs.

They exist so that ``make run`` opens onto something a person can sign in to. The
passwords are public (docs/web.md, the output of ``leadflow run-demo``): never create
these users in a workspace holding real data.

The salesperson works the queue of rep ``r0001``, the first rep of the demo world.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from leadflow.services.users import UserRole, create_user
from leadflow.store.models import WebUser

__all__ = ["DEMO_REP", "DEMO_USERS", "demo_users_text", "ensure_demo_users"]

DEMO_REP = "r0001"
# (e-mail, name, role, password)
DEMO_USERS: tuple[tuple[str, str, UserRole, str], ...] = (
    ("admin@demo.leadflow", "Ada Admin", UserRole.ADMIN, "demo-admin-password"),
    ("marketing@demo.leadflow", "Mark Marketing", UserRole.MARKETING, "demo-marketing-password"),
    ("sales@demo.leadflow", "Sam Sales", UserRole.SALES, "demo-sales-password"),
)


def ensure_demo_users(engine: Engine, now: datetime) -> int:
    """Create the demo users that are missing; returns how many were created."""
    created = 0
    with Session(engine) as session:
        existing = set(session.scalars(select(WebUser.email)))
        for email, name, role, password in DEMO_USERS:
            if email in existing:
                continue
            rep = DEMO_REP if role is UserRole.SALES else None
            create_user(
                session,
                email=email,
                name=name,
                role=role,
                password=password,
                now=now,
                rep_key=rep,
            )
            created += 1
    return created


def demo_users_text(address: str = "http://127.0.0.1:8000") -> str:
    """One line for the console: where to sign in (the server at ``address``), and as whom."""
    pairs = ", ".join(f"{email} / {password}" for email, _, _, password in DEMO_USERS)
    return f"sign in at {address}/ui/ as {pairs}"

"""The lead page shows the consent history: every decision, newest first, with its
source and evidence, in the reader's language."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from leadflow.domain.clock import FixedClock
from leadflow.services.definitions import active_definition
from leadflow.services.events import IncomingEvent, record_event
from leadflow.services.identity import merge_contacts
from leadflow.settings import Settings
from leadflow.store.database import make_engine
from tests.integration.web.world import World


def _decide(folder: Path, clock: FixedClock, contact_id: int) -> None:
    engine = make_engine(Settings(workspace=folder).resolved_database_url)
    try:
        with Session(engine) as session:
            active = active_definition(session)
            for kind, days, props in (
                ("newsletter_signup", 3, {"list": "weekly"}),
                ("unsubscribe", 1, {"campaign": "spring"}),
            ):
                at = clock.now() - timedelta(days=days)
                incoming = IncomingEvent(kind, at, contact_id=contact_id, properties=props)
                record_event(session, incoming, clock=clock, active=active)
    finally:
        engine.dispose()


def test_the_lead_page_lists_every_consent_decision_newest_first(
    signed_in: Callable[[str], TestClient],
    world: World,
    web_workspace: tuple[Path, World],
    web_clock: FixedClock,
) -> None:
    lead = world.nurtured[0]
    _decide(web_workspace[0], web_clock, lead)
    client = signed_in("sales")

    page = client.get(f"/ui/leads/{lead}").text
    client.headers["Accept-Language"] = "nl"
    dutch = client.get(f"/ui/leads/{lead}").text

    history = page[page.index('<details id="consent-history">') :]
    history = history[: history.index("</details>")]
    assert "Consent history" in history
    # The event that decided, by its label (as everywhere on the pages), then what it named.
    found = re.findall(r"(unsubscribed campaign=spring|newsletter sign-up list=weekly)", history)
    assert found == ["unsubscribed campaign=spring", "newsletter sign-up list=weekly"]
    assert "Toestemmingsgeschiedenis" in dutch
    other = client.get(f"/ui/leads/{world.nurtured[1]}").text
    assert 'id="consent-history"' not in other  # nothing decided, nothing shown


def test_a_merged_records_page_is_its_survivors(
    signed_in: Callable[[str], TestClient],
    world: World,
    web_workspace: tuple[Path, World],
    web_clock: FixedClock,
) -> None:
    """The merge moved the record's history (consent decisions included) to the survivor;
    its own page showed a lead without them and the consent row the merge did not choose."""
    survivor, merged = world.nurtured[0], world.nurtured[1]
    _decide(web_workspace[0], web_clock, survivor)
    engine = make_engine(Settings(workspace=web_workspace[0]).resolved_database_url)
    try:
        with engine.begin() as connection:
            merge_contacts(connection, survivor, merged, now=web_clock.now())
    finally:
        engine.dispose()
    client = signed_in("sales")

    reply = client.get(f"/ui/leads/{merged}", follow_redirects=False)

    assert reply.status_code == 303
    assert reply.headers["location"] == f"/ui/leads/{survivor}"
    assert "unsubscribed campaign=spring" in client.get(reply.headers["location"]).text


def test_a_consents_channel_is_named_in_the_readers_language(
    signed_in: Callable[[str], TestClient],
    world: World,
    web_workspace: tuple[Path, World],
    web_clock: FixedClock,
) -> None:
    lead = world.nurtured[2]
    _decide(web_workspace[0], web_clock, lead)
    client = signed_in("sales")
    client.headers["Accept-Language"] = "de"

    page = client.get(f"/ui/leads/{lead}").text

    consents = page[page.index("<h3>Einwilligungen</h3>") : page.index("</details>")]
    assert re.search(r"<li>E-Mail: widerrufen", consents)  # not the stored code "email"
    assert "<td>E-Mail</td>" in consents
    assert ">email<" not in consents
    assert "<li>email:" not in consents
    # The evidence in German too: the event by its label, the list as the data has it.
    assert "Newsletter-Anmeldung list=weekly" in consents
    assert "newsletter_signup list=weekly" not in consents

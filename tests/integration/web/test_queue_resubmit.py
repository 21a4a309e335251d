"""What a rep meets when a form is sent twice or a page was open too long: a double
click without JavaScript, a second tab, the back button, another rep's answer."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.integration.web.conftest import csrf_of
from tests.integration.web.world import World


def _accept(client: TestClient, contact: int, token: str) -> object:
    return client.post(f"/ui/queue/{contact}/accept", data={"csrf_token": token})


def test_accepting_twice_is_accepting_once(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    client = signed_in("sales")
    contact = world.ready[0]
    token = csrf_of(client.get("/ui/queue").text)  # one page, its Accept sent twice

    first = _accept(client, contact, token)
    second = _accept(client, contact, token)

    assert first.status_code == second.status_code == 303
    assert second.headers["location"] == first.headers["location"]
    page = client.get(second.headers["location"]).text
    assert "Hand-off accepted." in page
    assert "close the lead instead" not in page
    assert page.count("call, attempt 1") == 1  # one cadence started, not two


def test_accepting_a_lead_already_rejected_still_says_why(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    client = signed_in("sales")
    contact = world.ready[2]
    token = csrf_of(client.get("/ui/queue").text)
    client.post(f"/ui/queue/{contact}/reject", data={"csrf_token": token, "reason": "spam"})

    late = _accept(client, contact, token)  # the page from before the rejection

    assert late.status_code == 409
    assert "ended already (rejected)" in late.text


def test_another_reps_accepted_lead_is_still_theirs(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    theirs = world.ready[1]  # r2's
    admin = signed_in("admin")
    assert _accept(admin, theirs, csrf_of(admin.get("/ui/queue").text)).status_code == 303
    client = signed_in("sales")

    reply = _accept(client, theirs, csrf_of(client.get("/ui/queue").text))

    assert reply.status_code == 403
    assert "lead; you act as rep" in reply.text


def test_a_lead_another_rep_holds_names_that_rep_as_the_queue_does(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    client = signed_in("sales")
    client.headers["Accept-Language"] = "de"

    reply = _accept(client, world.ready[3], csrf_of(client.get("/ui/queue").text))  # r2's

    assert reply.status_code == 403
    # The reps by the names the queue shows, not by their keys.
    assert "ist ein Lead von Vertriebsmitarbeiter Rep r2; Sie handeln nur als " in reply.text
    assert "Vertriebsmitarbeiter Rep r1" in reply.text

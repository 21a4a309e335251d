"""The sales queue: a rep sees their hand-offs and works them through the hand-off
services (accept, reject with a reason, attempts, opportunities)."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.integration.web.conftest import csrf_of
from tests.integration.web.world import World


def _items(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<article class="card" id="item-(\d+)"', html)]


def _card(html: str, contact: int) -> str:
    """The lead's card in the queue page (up to the next card or the queue's end)."""
    start = html.index(f'id="item-{contact}"')
    end = html.find("<article", start)
    return html[start : end if end > 0 else len(html)]


def _act(client: TestClient, contact: int, action: str, **data: str) -> object:
    token = csrf_of(client.get("/ui/queue").text)
    return client.post(f"/ui/queue/{contact}/{action}", data={"csrf_token": token, **data})


def test_a_rep_sees_their_own_hand_offs_with_why_and_when_due(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    page = signed_in("sales").get("/ui/queue").text

    assert set(_items(page)) <= set(world.ready[0::2])  # r1 got the odd ones
    assert world.ready[1] not in _items(page)
    assert "Why it was handed over" in page
    assert "sales-ready: yes" in page
    assert re.search(r"\(in \d hours\)", page)  # the accept SLA clock


def test_accept_then_log_an_attempt_then_open_an_opportunity(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    client = signed_in("sales")
    contact = world.ready[0]

    accepted = _act(client, contact, "accept")
    assert accepted.status_code == 303
    page = client.get(accepted.headers["location"]).text
    assert "Hand-off accepted." in page
    assert "call, attempt 1" in page  # the cadence's first step

    _act(client, contact, "attempt", channel="call", outcome="no_answer", note="left no message")
    page = client.get("/ui/queue").text
    assert "Attempt logged." not in page  # the message belongs to the redirect only
    assert "attempt 2" in page

    reply = _act(client, contact, "opportunity", name="Pilot", amount="12000", currency="EUR")
    assert reply.status_code == 303
    lead = client.get(f"/ui/leads/{contact}").text
    assert "Pilot" in lead
    assert "12,000.00 EUR" in lead
    assert "left no message" in lead  # the attempt, on the timeline
    queue_page = client.get("/ui/queue").text
    assert contact in _items(queue_page)  # the deal is worked from the queue
    assert "move the deal on" in queue_page.lower()
    assert f'action="/ui/queue/{contact}/opportunity"' not in queue_page  # one open deal


def test_reject_with_a_reason_recycles_the_lead(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    client = signed_in("sales")
    contact = world.ready[2]

    reply = _act(client, contact, "reject", reason="no_budget", note="budget frozen until Q3")

    assert reply.status_code == 303
    assert contact not in _items(client.get("/ui/queue").text)
    lead = client.get(f"/ui/leads/{contact}").text
    assert "budget frozen until Q3" in lead
    assert "Nurture" in lead


def test_a_reason_that_needs_a_note_says_so(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    reply = _act(signed_in("sales"), world.ready[4], "reject", reason="other", note="  ")

    assert reply.status_code == 422
    assert world.ready[4] in _items(reply.text)  # the queue again, not an error page
    card = _card(reply.text, world.ready[4])
    assert re.search(r'role="alert"[^>]*>[^<]*note', card)  # the refusal, on its card
    assert '<option value="other" selected>' in card  # the reason chosen stays chosen
    assert world.ready[4] in _items(signed_in("sales").get("/ui/queue").text)


def test_a_refused_form_keeps_what_was_typed_with_or_without_htmx(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    client = signed_in("admin")
    contact = world.ready[7]
    _act(client, contact, "accept")
    typed = {"name": "Rollout Graz", "amount": "12,5", "currency": "CHF", "products": "core"}

    for headers in ({}, {"HX-Request": "true"}):
        token = csrf_of(client.get("/ui/queue").text)
        reply = client.post(
            f"/ui/queue/{contact}/opportunity",
            data={"csrf_token": token, **typed},
            headers=headers,
        )
        assert reply.status_code == 422
        assert "HX-Retarget" not in reply.headers  # htmx swaps the queue it asked for
        card = _card(reply.text, contact)
        assert "not a number" in card
        assert "<details open>" in card  # the opportunity form stays open
        for value in typed.values():
            assert f'value="{value}"' in card
        assert 'value="EUR"' not in card  # the currency typed, not the default
    assert "Rollout Graz" not in client.get(f"/ui/leads/{contact}").text  # nothing written


def test_an_action_on_a_lead_gone_from_the_queue_says_why_above_it(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    client = signed_in("sales")
    contact = world.ready[6]
    assert _act(client, contact, "reject", reason="no_budget").status_code == 303

    again = _act(client, contact, "accept")

    # As the API answers a key bound to the rep (services/rep_scope.py): the hand-off's
    # state says why, not "not in your queue".
    assert again.status_code == 409
    assert contact not in _items(again.text)
    alert = r'<p class="alert" role="alert"[^>]*>[^<]*ended already \(rejected\)'
    assert re.search(alert, again.text)


def test_a_rep_cannot_work_another_reps_lead(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    reply = _act(signed_in("sales"), world.ready[1], "accept")

    assert reply.status_code == 403  # as the API answers a key bound to the rep
    assert "lead; you act as rep" in reply.text


def test_admin_sees_every_queue_and_marketing_none(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    admin = signed_in("admin").get("/ui/queue").text
    only_r2 = signed_in("admin").get("/ui/queue?rep=r2").text

    assert set(world.ready[1::2]) <= set(_items(admin))
    assert set(_items(only_r2)) == set(world.ready[1::2])
    assert signed_in("marketing").get("/ui/queue").status_code == 403
    # Reps by their names, as the leads list shows owners, the key on hover and in the
    # chooser beside the name.
    assert '<option value="r2" selected>Rep r2 (r2)</option>' in only_r2
    assert '<span title="r2">Rep r2</span>' in only_r2


def test_an_amount_is_read_as_the_rep_writes_numbers_in_their_language(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    client = signed_in("admin")
    english, german = world.ready[3], world.ready[5]
    _act(client, english, "accept")
    _act(client, german, "accept")

    slip = _act(client, english, "opportunity", name="Pilot", amount="12,5", currency="EUR")
    assert slip.status_code == 422  # a misplaced mark is not a number a hundred times off
    assert "not a number" in slip.text
    thousands = _act(client, english, "opportunity", name="Pilot", amount="12,500", currency="EUR")
    assert thousands.status_code == 303
    client.headers["Accept-Language"] = "de"
    decimals = _act(
        client, german, "opportunity", name="Rollout", amount="1.234,50", currency="EUR"
    )
    assert decimals.status_code == 303

    del client.headers["Accept-Language"]
    assert "12,500.00 EUR" in client.get(f"/ui/leads/{english}").text
    assert "1,234.50 EUR" in client.get(f"/ui/leads/{german}").text


def test_the_lead_page_names_the_same_next_action_as_the_queue(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    client = signed_in("sales")
    contact = world.ready[4]  # r1's; the blank-note test leaves it unanswered

    def next_action(page: str) -> str:
        found = re.search(r"<dt>Next action</dt>\s*<dd>(.*?)</dd>", page, re.S)
        assert found is not None
        return " ".join(found[1].split())

    _act(client, contact, "accept")
    assert next_action(client.get(f"/ui/leads/{contact}").text).startswith("call, attempt 1")
    _act(client, contact, "opportunity", name="Pilot", amount="12000", currency="EUR")

    lead = next_action(client.get(f"/ui/leads/{contact}").text)
    card = _card(client.get("/ui/queue").text, contact)

    assert lead.startswith("Move the deal on (stage ")  # was: the cadence's next call
    assert lead.split(" (due")[0] in " ".join(card.split())

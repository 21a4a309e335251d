"""The queue in pages, and an action bringing the viewer back to the queue and page it
was taken on (an admin filtering one rep's queue stays on that rep's queue)."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from leadflow.web.pages import queue as queue_page
from tests.integration.web.conftest import csrf_of
from tests.integration.web.world import World


def _items(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<article class="card" id="item-(\d+)"', html)]


def _post(client: TestClient, contact: int, action: str, **data: str) -> Response:
    token = csrf_of(client.get("/ui/queue").text)
    return client.post(f"/ui/queue/{contact}/{action}", data={"csrf_token": token, **data})


@pytest.fixture
def two_a_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queue_page, "PAGE_SIZE", 2)


def _total(html: str) -> int:
    found = re.search(r"Hand-offs \d+–\d+ of (\d+), due first\.", html)
    assert found is not None
    return int(found.group(1))


@pytest.mark.usefixtures("two_a_page")
def test_every_item_is_on_exactly_one_page_in_the_queues_order(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    client = signed_in("admin")
    first = client.get("/ui/queue?rep=*").text
    total = _total(first)  # other tests of this module act on the same queue
    count = -(-total // 2)
    pages = [client.get(f"/ui/queue?rep=*&page={n}").text for n in range(1, count + 1)]

    shown = [contact for page in pages for contact in _items(page)]
    assert len(shown) == len(set(shown)) == total >= 5
    assert set(shown) <= set(world.ready)
    assert _items(first) == _items(pages[0]) == shown[:2]
    assert f"Hand-offs 3–4 of {total}, due first." in pages[1]
    assert 'href="/ui/queue?rep=%2A&amp;page=3"' in pages[1]  # next, keeping the queue
    assert 'rel="prev"' not in pages[0]
    assert 'rel="next"' not in pages[-1]
    assert _items(client.get("/ui/queue?rep=*&page=99").text) == _items(pages[-1])


def test_one_page_says_nothing_about_pages(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    page = signed_in("admin").get("/ui/queue").text
    assert 0 < len(_items(page)) <= len(world.ready)
    assert "Hand-offs" not in page
    assert 'class="pager"' not in page


@pytest.mark.usefixtures("two_a_page")
def test_an_action_returns_to_the_rep_and_the_page_of_the_lead_it_acted_on(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    client = signed_in("admin")
    r2 = _items(client.get("/ui/queue?rep=r2&page=1").text)
    r2 += _items(client.get("/ui/queue?rep=r2&page=2").text)
    assert set(r2) == set(world.ready[1::2])
    contact = r2[2]  # on the second page of r2's queue

    reply = _post(client, contact, "accept", rep="r2", page="2")

    assert reply.status_code == 303
    asked = parse_qs(urlsplit(reply.headers["location"]).query)
    assert (asked["rep"], asked["page"]) == (["r2"], ["2"])
    back = client.get(reply.headers["location"]).text
    assert contact in _items(back)  # its card, where the focus goes, is on screen
    assert set(_items(back)) <= set(world.ready[1::2])  # still r2's queue, not everyone's
    assert "Hand-off accepted." in back


@pytest.mark.usefixtures("two_a_page")
def test_a_lead_that_left_the_queue_leaves_the_viewer_on_the_page_they_were_on(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    client = signed_in("admin")
    second = client.get("/ui/queue?rep=*&page=2").text
    total, contact = _total(second), _items(second)[0]

    reply = _post(client, contact, "reject", reason="no_budget", rep="*", page="2")

    back = client.get(reply.headers["location"]).text
    assert "Hand-off rejected." in back
    assert contact not in _items(back)
    assert f"Hand-offs 3–4 of {total - 1}, due first." in back


def test_hidden_fields_a_page_cannot_have_show_the_first_page(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    client = signed_in("admin")
    reply = _post(client, world.ready[5], "accept", rep="r2", page="-7x")
    assert reply.status_code == 303
    assert "page=" not in reply.headers["location"]

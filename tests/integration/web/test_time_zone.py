"""Times on the pages are in the reader's browser's zone (the ``leadflow_tz`` cookie)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from fastapi.testclient import TestClient

from tests.integration.web.test_lead_pages import _listed
from tests.integration.web.world import World

HANDED_OFF = re.compile(r"<dt>Handed off</dt><dd>(\d\d/\d\d/\d{4}, \d\d:\d\d)")


def _handed_off(client: TestClient, contact: int) -> datetime:
    found = HANDED_OFF.search(client.get(f"/ui/leads/{contact}").text)
    assert found is not None
    # Read as written on the page (the zone is the test's point): compared, not stored.
    return datetime.strptime(found[1] + " +0000", "%d/%m/%Y, %H:%M %z")


def test_a_reader_in_oslo_sees_oslo_time_and_is_told_so(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    utc, oslo = signed_in("sales"), signed_in("sales")
    oslo.cookies.set("leadflow_tz", "Europe/Oslo")

    page = oslo.get(f"/ui/leads/{world.ready[0]}").text

    assert "Times are in Europe/Oslo (your browser's time zone)." in page
    assert "Times are in UTC." in utc.get(f"/ui/leads/{world.ready[0]}").text
    # 2 March: Oslo is an hour ahead of UTC (winter time).
    assert _handed_off(oslo, world.ready[0]) - _handed_off(utc, world.ready[0]) == timedelta(
        hours=1
    )


def test_a_cookie_that_names_no_zone_gives_utc(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    client = signed_in("marketing")
    for value in ("../../etc/passwd", "Mars/Olympus_Mons", "x" * 200, "Europe/Osl"):
        client.cookies.set("leadflow_tz", value)
        assert "Times are in UTC." in client.get(f"/ui/leads/{world.ready[0]}").text, value


def test_the_activity_filter_takes_days_where_the_reader_is(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    # The world is active on 2 March between 09:00 and 11:00 UTC: on 1 March, 22:00
    # onwards, in Pago Pago (UTC-11), whose reader sees those times in the list.
    utc, pago = signed_in("marketing"), signed_in("marketing")
    pago.cookies.set("leadflow_tz", "Pacific/Pago_Pago")

    assert _listed(utc.get("/ui/leads?from=2026-03-02").text)
    assert _listed(pago.get("/ui/leads?from=2026-03-02").text) == []
    assert _listed(utc.get("/ui/leads?to=2026-03-01").text) == []
    assert sorted(_listed(pago.get("/ui/leads?to=2026-03-01").text)) == sorted(
        _listed(utc.get("/ui/leads?from=2026-03-02").text)
    )

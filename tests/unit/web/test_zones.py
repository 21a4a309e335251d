"""The reader's zone from its cookie: an IANA name, else UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from leadflow.web import i18n
from leadflow.web.zones import zone_named


@pytest.mark.parametrize("name", ["Europe/Oslo", "America/Argentina/Buenos_Aires", "Etc/GMT+1"])
def test_an_iana_name_is_its_zone(name: str) -> None:
    assert zone_named(name) == ZoneInfo(name)


@pytest.mark.parametrize(
    "name", ["", "UTC", "../../etc/passwd", "/etc/localtime", "Europe/Osl", "Europe/Oslo\x00", "é"]
)
def test_anything_else_is_utc(name: str) -> None:
    assert zone_named(name) is UTC


def test_an_instant_is_written_in_the_zone_and_the_language() -> None:
    moment = datetime(2026, 7, 1, 12, 5, tzinfo=UTC)

    assert i18n.format_instant(moment, "de") == "01.07.26, 12:05"
    assert i18n.format_instant(moment, "de", ZoneInfo("Europe/Berlin")) == "01.07.26, 14:05"
    assert (
        i18n.format_instant(moment.replace(tzinfo=None), "nl", ZoneInfo("Europe/Amsterdam"))[-5:]
        == "14:05"
    )  # the store's naive UTC is UTC

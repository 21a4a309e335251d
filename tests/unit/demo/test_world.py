"""generate_world: determinism, completeness and internal consistency of the files."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

import pytest

from leadflow.demo import DemoInputError, generate_world
from leadflow.demo.catalog import CHANNELS, PRODUCT_ASSETS, REJECT_REASONS
from leadflow.domain.clock import parse_instant
from leadflow.domain.vocabulary import (
    STANDARD_EVENT_TYPES,
    AttemptChannel,
    AttemptOutcome,
    ConversationOutcome,
)

from .conftest import SMALL, WorldFiles

EVENT_KEYS = ["id", "type", "at", "email", "visitor_id", "contact_id", "properties"]


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_same_seed_and_size_give_byte_identical_files(
    tmp_path: Path, small_world: WorldFiles
) -> None:
    generate_world(tmp_path, SMALL, seed=7)
    again, first = _files(tmp_path), _files(small_world.folder)
    assert sorted(again) == sorted(first)
    for name, content in first.items():
        assert again[name] == content, name


def test_another_seed_gives_other_files(tmp_path: Path, small_world: WorldFiles) -> None:
    generate_world(tmp_path, SMALL, seed=8)
    other, first = _files(tmp_path), _files(small_world.folder)
    for name in ("contacts.csv", "events.jsonl", "activities.jsonl", "truth_contacts.csv"):
        assert other[name] != first[name], name


def test_every_standard_event_type_happens(small_world: WorldFiles) -> None:
    seen = Counter(event["type"] for event in small_world.events)
    assert set(seen) == set(STANDARD_EVENT_TYPES)


def test_every_channel_brings_contacts_and_purchased_ones_keep_their_vendor(
    small_world: WorldFiles,
) -> None:
    by_channel = Counter(contact["channel"] for contact in small_world.contacts)
    assert set(by_channel) == set(CHANNELS)
    for contact in small_world.contacts:
        purchased = contact["channel"] == "purchased"
        assert contact["purchased"] == ("true" if purchased else "false")
        assert bool(contact["vendor"]) is purchased


def test_event_lines_have_the_importer_shape_sorted_by_at_then_id(small_world: WorldFiles) -> None:
    events = small_world.events
    assert all(list(event) == EVENT_KEYS for event in events)
    assert all(event["at"].endswith("Z") for event in events)
    keys = [(event["at"], event["id"]) for event in events]
    assert keys == sorted(keys)
    assert len({event["id"] for event in events}) == len(events)


def test_events_name_existing_people_inside_the_window_after_they_appear(
    small_world: WorldFiles,
) -> None:
    contacts = {c["contact_id"]: c for c in small_world.contacts}
    window = small_world.truth["parameters"]
    start, end = parse_instant(window["window_start"]), parse_instant(window["window_end"])
    first_seen: dict[str, datetime] = {}
    for event in small_world.events:  # in time order
        at = parse_instant(event["at"])
        assert start <= at < end
        assert event["contact_id"] or event["visitor_id"]
        if event["contact_id"] is not None:
            contact = contacts[event["contact_id"]]
            assert event["email"] == contact["email"]
            assert at >= parse_instant(contact["created_at"])
        if event["visitor_id"] is not None:
            assert at >= first_seen.setdefault(event["visitor_id"], at)


def test_anonymous_visitors_identify_later_with_the_same_visitor_id(
    small_world: WorldFiles,
) -> None:
    anonymous: dict[str, list[str]] = defaultdict(list)
    identified: dict[str, dict[str, object]] = {}
    for event in small_world.events:
        visitor = event["visitor_id"]
        if visitor and event["email"] is None and event["contact_id"] is None:
            assert event["type"] == "page_view"
            assert visitor not in identified  # nobody goes back to being anonymous
            anonymous[visitor].append(event["at"])
        elif visitor and event["type"] == "form_submit" and visitor not in identified:
            identified[visitor] = event
    later = [v for v in anonymous if v in identified]
    assert len(later) > 20
    for visitor in later:
        form = identified[visitor]
        assert form["email"]
        assert form["contact_id"]
        assert max(anonymous[visitor]) < str(form["at"])
    truth_visitors = {row["visitor_id"]: row["contact_id"] for row in small_world.truth_contacts}
    assert all(truth_visitors[v] == identified[v]["contact_id"] for v in later)
    never = [v for v in anonymous if v not in identified and v not in truth_visitors]
    assert len(never) > 50  # visitors who never say who they are


def test_hand_offs_follow_a_sales_action_and_decisions_use_the_reason_codes(
    small_world: WorldFiles,
) -> None:
    events = {event["id"]: event for event in small_world.events}
    hand_offs = [a for a in small_world.activities if a["kind"] == "hand_off"]
    assert hand_offs
    for hand_off in hand_offs:
        trigger = events[hand_off["event_id"]]
        assert trigger["type"] == hand_off["trigger"]
        assert trigger["contact_id"] == hand_off["contact_id"]
        assert trigger["at"] == hand_off["at"]
        if hand_off["decision"] == "rejected":
            assert hand_off["reason"] in REJECT_REASONS
        else:
            assert hand_off["reason"] is None
    assert {h["decision"] for h in hand_offs} >= {"accepted", "rejected"}


def test_activities_use_the_shared_vocabulary_in_time_order(small_world: WorldFiles) -> None:
    activities = small_world.activities
    assert {a["kind"] for a in activities} == {"hand_off", "attempt", "conversation", "recycle"}
    keys = [(a["at"], a["id"]) for a in activities]
    assert keys == sorted(keys)
    for activity in activities:
        if activity["kind"] == "attempt":
            assert AttemptChannel(activity["channel"])
            assert AttemptOutcome(activity["outcome"])
        if activity["kind"] == "conversation":
            assert ConversationOutcome(activity["outcome"])


def test_some_accepted_leads_are_given_up_after_one_or_two_attempts(
    small_world: WorldFiles,
) -> None:
    attempts: Counter[str] = Counter()
    recycled: set[str] = set()
    for activity in small_world.activities:
        if activity["kind"] == "attempt":
            attempts[activity["contact_id"]] += 1
        elif activity["kind"] == "recycle" and activity["reason"] == "unresponsive":
            recycled.add(activity["contact_id"])
    under = {
        row["contact_id"] for row in small_world.truth_contacts if row["under_worked"] == "true"
    }
    closed_early = {c for c in recycled if attempts[c] <= 2}
    assert closed_early
    assert closed_early <= under
    assert any(attempts[c] >= 3 for c in recycled)  # others are worked properly


def test_opportunities_only_for_accepted_leads_and_won_means_a_customer(
    small_world: WorldFiles,
) -> None:
    accepted = {
        a["contact_id"]
        for a in small_world.activities
        if a["kind"] == "hand_off" and a["decision"] == "accepted"
    }
    outcome = {row["contact_id"]: row["outcome"] for row in small_world.truth_contacts}
    statuses = Counter(opportunity["status"] for opportunity in small_world.opportunities)
    assert statuses["won"]
    assert statuses["lost"]
    for opportunity in small_world.opportunities:
        assert opportunity["contact_id"] in accepted
        assert opportunity["currency"] == "EUR"
        assert float(opportunity["amount"]) > 0
        if opportunity["status"] == "won":
            assert opportunity["stage"] == "closed_won"
            assert opportunity["closed_at"]
            assert outcome[opportunity["contact_id"]] == "won"
        if opportunity["status"] == "lost":
            assert opportunity["lost_reason"]
    winners = {row["contact_id"] for row in small_world.truth_contacts if row["outcome"] == "won"}
    assert winners == {o["contact_id"] for o in small_world.opportunities if o["status"] == "won"}


def test_content_downloads_name_product_or_general_assets(small_world: WorldFiles) -> None:
    downloads = [e["properties"] for e in small_world.events if e["type"] == "content_download"]
    specific = [p for p in downloads if p["asset"] in PRODUCT_ASSETS]
    assert specific
    assert len(specific) < len(downloads)
    assert all("product" in p for p in specific)


def test_unsubscribes_withdraw_email_consent_and_stop_the_mail(small_world: WorldFiles) -> None:
    quit_at = {e["contact_id"]: e["at"] for e in small_world.events if e["type"] == "unsubscribe"}
    consent = {c["contact_id"]: c["email_consent"] for c in small_world.contacts}
    assert quit_at
    assert {c for c, status in consent.items() if status == "withdrawn"} == set(quit_at)
    assert set(consent.values()) <= {"", "granted", "confirmed", "withdrawn"}
    for event in small_world.events:
        if event["type"] in ("email_open", "email_click") and event["contact_id"] in quit_at:
            assert event["at"] <= quit_at[event["contact_id"]]


def test_manifest_counts_what_the_files_hold(small_world: WorldFiles) -> None:
    import json

    manifest = json.loads((small_world.folder / "manifest.json").read_text())
    assert manifest["seed"] == 7
    assert manifest["contacts"] == SMALL
    files = manifest["files"]
    assert files["events.jsonl"]["rows"] == len(small_world.events) == manifest["events"]
    assert files["contacts.csv"]["rows"] == len(small_world.contacts) == SMALL
    assert files["activities.jsonl"]["rows"] == len(small_world.activities)
    for name, entry in files.items():
        assert entry["bytes"] == (small_world.folder / name).stat().st_size


def test_a_non_empty_folder_is_refused_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(DemoInputError, match="not empty; pass --force"):
        generate_world(tmp_path, 20, seed=1)
    summary = generate_world(tmp_path, 20, seed=1, overwrite=True)
    assert (tmp_path / "notes.txt").read_text() == "mine"  # --force replaces world files only
    assert summary.files["contacts.csv"] == 20


def test_a_file_is_not_a_folder(tmp_path: Path) -> None:
    target = tmp_path / "world.txt"
    target.write_text("")
    with pytest.raises(DemoInputError, match="is a file"):
        generate_world(target, 20, seed=1)


def test_polish_women_carry_the_feminine_family_name(small_world: WorldFiles) -> None:
    polish = [c for c in small_world.contacts if c["country"] == "PL"]
    women = [c for c in polish if c["first_name"].endswith("a")]
    assert women  # the world has some, so the check below means something
    assert [c["last_name"] for c in women if c["last_name"].endswith("ski")] == []

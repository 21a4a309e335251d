"""What a person does in the browser: sign in, find a lead and read its explanation, work
the queue, try an invalid definition, switch language, read the learned models; and no
stored script ever runs."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from leadflow.services.prediction import activate_model, deactivate_model
from leadflow.store.database import make_engine, session_factory, writer
from tests.integration.web.world import PASSWORDS, USERS
from tests.unit.learn.live_model import save_live_model
from tests.web.conftest import START, LiveServer, RecordingPage

pytestmark = pytest.mark.web


def test_sign_in_find_a_lead_and_read_its_explanation(
    page: RecordingPage, sign_in: Callable[[Page, str], None], live_server: LiveServer
) -> None:
    p = page.page
    p.goto("/ui/leads")
    expect(p).to_have_url(re.compile(r"/ui/signin\?next=/ui/leads"))  # not signed in yet
    sign_in(p, "marketing")

    p.goto("/ui/leads")
    p.get_by_label("Search").fill("lead3@")
    p.get_by_role("button", name="Filter").click()
    expect(p).to_have_url(re.compile(r"q=lead3"))  # htmx pushed the filtered URL
    results = p.locator("#results tbody tr")
    expect(results).to_have_count(1)
    results.get_by_role("link").click()

    expect(p.get_by_role("heading", name="Score and explanation")).to_be_visible()
    points = p.locator("#score table").nth(1)
    expect(points).to_contain_text("pricing page visit")
    expect(points).to_contain_text("page view")
    expect(p.locator("#score")).to_contain_text("Decay")
    assert page.dialogs == []


def test_accept_reject_and_log_an_attempt_from_the_queue(
    page: RecordingPage, sign_in: Callable[[Page, str], None], live_server: LiveServer
) -> None:
    p = page.page
    first, second = live_server.world.ready[0], live_server.world.ready[2]
    sign_in(p, "sales")
    p.get_by_role("link", name="Sales queue").click()

    item = p.locator(f"#item-{first}")
    item.get_by_role("button", name="Accept").click()
    expect(p.get_by_role("status")).to_contain_text("Hand-off accepted.")
    item = p.locator(f"#item-{first}")
    expect(item).to_contain_text("call, attempt 1")

    item.get_by_label("Outcome").select_option("voicemail")
    item.get_by_label("Note").fill("left a voicemail")
    item.get_by_role("button", name="Log attempt").click()
    expect(p.get_by_role("status")).to_contain_text("Attempt logged.")
    expect(p.locator(f"#item-{first}")).to_contain_text("attempt 2")

    other = p.locator(f"#item-{second}")
    other.get_by_label("Reason").select_option("not_ready")
    other.get_by_role("button", name="Reject").click()
    expect(p.get_by_role("status")).to_contain_text("Hand-off rejected.")
    expect(p.locator(f"#item-{second}")).to_have_count(0)
    assert page.dialogs == []


def test_an_invalid_definition_shows_its_errors(
    page: RecordingPage, sign_in: Callable[[Page, str], None]
) -> None:
    p = page.page
    sign_in(p, "admin")
    p.goto("/ui/definition")
    p.get_by_label("or paste it here").fill(
        'schema_version: 1\nname: broken\nversion: "1"\nstages:\n  - id: lead\n'
        "    when: {field: fit.grade, at_least: Q}\n"
    )
    p.get_by_role("button", name="Check").click()

    errors = p.locator("#definition-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("candidate.yaml:6: stages[0].when")
    expect(p.get_by_role("button", name="Activate this version")).to_have_count(0)


def test_a_candidate_that_validate_warns_about_shows_its_warnings(
    page: RecordingPage, sign_in: Callable[[Page, str], None]
) -> None:
    """Valid, so it may be activated, but a gate no lead passes is named before that."""
    p = page.page
    sign_in(p, "admin")
    p.goto("/ui/definition")
    p.get_by_label("or paste it here").fill(
        'schema_version: 1\nname: gated\nversion: "1"\nstages:\n  - id: lead\n'
        "    when: {field: identity, at_least: known}\nsales_ready: {min_fit_grade: A}\n"
    )
    p.get_by_role("button", name="Check").click()

    expect(p.get_by_role("heading", name="1 warning")).to_be_visible()
    warnings = p.locator("#definition-warnings")
    expect(warnings).to_contain_text("sales_ready.min_fit_grade:")
    expect(warnings).to_contain_text("no lead can ever be sales-ready: grade A")
    expect(p.get_by_role("button", name="Activate this version")).to_be_visible()


def test_switch_language(page: RecordingPage, sign_in: Callable[[Page, str], None]) -> None:
    p = page.page
    sign_in(p, "marketing")

    p.get_by_label("Language").select_option("de")
    p.get_by_role("button", name="Change").click()

    expect(p.locator("html")).to_have_attribute("lang", "de")
    expect(p.get_by_role("heading", level=1)).to_have_text("Übersicht")
    p.get_by_label("Sprache").select_option("nb")
    p.get_by_role("button", name="Ändern").click()
    expect(p.get_by_role("link", name="Salgskø")).to_have_count(0)  # marketing has no queue
    expect(p.get_by_role("link", name="Leads")).to_be_visible()
    expect(p.get_by_role("button", name="Logg ut")).to_be_visible()


def test_the_explanation_and_a_definition_error_in_german(
    browser: Browser, live_server: LiveServer
) -> None:
    """A German browser reads what the engine and the definition checker wrote in German:
    the words translated, the numbers German, names and the error's place as they are."""
    context = browser.new_context(base_url=live_server.url, locale="de-DE")
    context.set_default_timeout(10_000)
    p = context.new_page()
    p.goto("/ui/signin")
    p.get_by_label("E-Mail-Adresse").fill(USERS["admin"])
    p.get_by_label("Passwort").fill(PASSWORDS["admin"])
    p.get_by_role("button", name="Anmelden").click()
    p.wait_for_url("**/ui/")

    p.goto(f"/ui/leads/{live_server.world.ready[6]}")
    score = p.locator("#score")
    expect(score).to_contain_text("Vertriebsbereit: ja – Fit-Note A und Demo angefragt vor")
    score.get_by_text("Die Erklärung als Text").click()
    explanation = score.locator("pre")
    expect(explanation).to_contain_text("Fit 100 (Fit-Note A)")
    expect(explanation).to_contain_text("+25,00 target industry: account.industry = 'software'")
    expect(explanation).to_contain_text("pricing page visit: Seitenaufruf url=")
    expect(explanation).to_contain_text("Phase: Prospect (SQL) (die am weitesten fortgeschrittene")

    p.goto("/ui/definition")
    p.get_by_label("oder hier einfügen").fill(
        'schema_version: 1\nname: broken\nversion: "1"\nstages:\n  - id: lead\n'
        "    when: {field: fit.grade, at_least: Q}\n"
    )
    p.get_by_role("button", name="Prüfen").click()
    errors = p.locator("#definition-errors")
    expect(errors).to_contain_text(
        "candidate.yaml:6: stages[0].when.at_least: fit.grade ist eines von A, B, C, D; "
        "erhalten: 'Q'"
    )
    context.close()


def test_stored_payloads_run_no_script_in_the_browser(
    page: RecordingPage, sign_in: Callable[[Page, str], None], live_server: LiveServer
) -> None:
    p = page.page
    sign_in(p, "admin")
    hostile = live_server.world.hostile
    for path in (f"/ui/leads/{hostile}", "/ui/leads", "/ui/", "/ui/leads?sort=contact"):
        p.goto(path)
        p.wait_for_load_state("load")
        assert p.evaluate("() => window.__xss === undefined"), path
    p.goto(f"/ui/leads/{hostile}")
    expect(p.get_by_role("heading", level=1)).to_contain_text("<script>")  # shown as text
    assert page.dialogs == []


def test_an_admin_reads_the_learned_models_and_when_each_was_active(
    page: RecordingPage,
    sign_in: Callable[[Page, str], None],
    live_server: LiveServer,
    tmp_path: Path,
) -> None:
    save_live_model(tmp_path / "models", seed=0)
    save_live_model(tmp_path / "models", seed=1)
    engine = make_engine(live_server.database_url)
    sessions = session_factory(writer(engine))
    with sessions() as session:
        activate_model(session, tmp_path / "models/v1", now=START, actor="command line")
        activate_model(session, tmp_path / "models/v2", now=START + timedelta(hours=1), actor="ana")
        session.commit()
    try:
        p = page.page
        sign_in(p, "admin")
        p.get_by_role("link", name="Settings").click()

        section = p.get_by_role("region", name="Learned models")
        expect(section).to_be_visible()
        stored = section.locator("#models tbody tr")
        expect(stored).to_have_count(2)
        expect(stored.nth(0)).to_contain_text("v2")
        expect(stored.nth(0)).to_contain_text("ana")
        expect(stored.nth(0)).to_contain_text("active")
        expect(stored.nth(1)).to_contain_text("command line")
        periods = section.get_by_role("table", name="When each model was active")
        expect(periods.locator("tbody tr")).to_have_count(2)
        expect(periods.locator("tbody tr").nth(0)).to_contain_text("still active")
        expect(periods.locator("tbody tr").nth(1)).to_contain_text("ana")  # who closed it
        assert page.dialogs == []
    finally:
        with sessions() as session:  # the other tests' world has no active model
            deactivate_model(session, now=START + timedelta(hours=2), actor="test")
            session.commit()
        engine.dispose()


def test_a_refused_queue_action_keeps_what_the_rep_typed(
    page: RecordingPage, sign_in: Callable[[Page, str], None], live_server: LiveServer
) -> None:
    p = page.page
    lead = live_server.world.ready[4]
    sign_in(p, "sales")
    p.get_by_role("link", name="Sales queue").click()
    p.locator(f"#item-{lead}").get_by_role("button", name="Accept").click()
    expect(p.get_by_role("status")).to_contain_text("Hand-off accepted.")

    card = p.locator(f"#item-{lead}")
    card.get_by_text("Create an opportunity").click()
    card.get_by_label("Name").fill("Pilot for the Linz plant")
    card.get_by_label("Amount").fill("12,5")  # English: a slip, not twelve and a half
    card.get_by_label("Products (comma-separated)").fill("core, onboarding")
    card.get_by_role("button", name="Create").click()

    card = p.locator(f"#item-{lead}")
    expect(card.get_by_role("alert")).to_contain_text("not a number")
    expect(card.get_by_label("Name")).to_have_value("Pilot for the Linz plant")
    expect(card.get_by_label("Products (comma-separated)")).to_have_value("core, onboarding")
    card.get_by_label("Amount").fill("12,500")
    card.get_by_role("button", name="Create").click()
    expect(p.get_by_role("status")).to_contain_text("Opportunity created.")
    expect(p.locator(f"#item-{lead}").get_by_role("alert")).to_have_count(0)
    assert page.dialogs == []


def test_a_browser_in_oslo_reads_the_times_in_oslo(
    browser: Browser, live_server: LiveServer, sign_in: Callable[[Page, str], None]
) -> None:
    seen: dict[str, str] = {}
    for zone in ("UTC", "Europe/Oslo"):
        context = browser.new_context(base_url=live_server.url, timezone_id=zone)
        p = context.new_page()
        sign_in(p, "marketing")  # the sign-in page told the server the zone first
        p.goto(f"/ui/leads/{live_server.world.ready[0]}")
        expect(p.locator("footer")).to_contain_text(zone)  # in whatever language it is

        seen[zone] = p.locator("#owner-heading ~ dl dd").nth(1).inner_text()  # handed off
        context.close()

    # 2 March: an hour ahead of UTC.
    utc, oslo = (re.search(r"\d\d:\d\d", seen[zone]) for zone in ("UTC", "Europe/Oslo"))
    assert utc is not None
    assert oslo is not None
    assert (int(oslo[0][:2]) - int(utc[0][:2])) % 24 == 1

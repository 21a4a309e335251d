"""The meaning diff: what changed in stages, rules, thresholds; nothing for mere rewording."""

from __future__ import annotations

from leadflow.definition.diff import Change, ChangeKind, diff_definitions
from leadflow.definition.loader import load_definition, load_definition_text
from leadflow.definition.model import Definition

BASE = """\
schema_version: 1
name: acme
version: "1"
fit:
  grades: {A: 75, B: 50, C: 25}
  rules:
    - {name: industry, points: 25, when: {field: account.industry, in: [software, fintech]}}
    - {name: size, points: 20, when: {field: account.employees, range: {min: 50}}}
engagement:
  rules:
    - {name: pricing, event: page_view, where: {url: "*/pricing*"}, points: 10, half_life_days: 14}
    - {name: webinar, event: webinar_attendance, points: 15}
sales_ready:
  min_fit_grade: B
bant:
  authority:
    - {name: title, when: {field: contact.title, regex: director}}
stages:
  - id: lead
    labels: {en: Lead, nl: Lead}
    when: {field: identity, at_least: known}
  - id: mql
    requires: [lead]
    when: {field: engagement.score, at_least: 40}
  - id: sql
    kind: sales
    requires: [lead]
    when: {field: sales_ready, equals: true}
"""


def _load(text: str) -> Definition:
    return load_definition_text(text, "acme.yaml")


def _lines(old: str, new: str) -> list[str]:
    return [str(change) for change in diff_definitions(_load(old), _load(new))]


def test_identical_definitions_have_no_changes() -> None:
    assert diff_definitions(_load(BASE), _load(BASE)) == ()


def test_rewording_without_a_change_in_meaning_is_no_change() -> None:
    reworded = (
        BASE.replace("in: [software, fintech]", "in: [FinTech, Software]")
        .replace('version: "1"', "version: 2")
        .replace(
            "    when: {field: identity, at_least: known}",
            "    when: {field: identity, at_least: Known}",
        )
        .replace("  min_fit_grade: B", "  min_fit_grade: b\n  require_sales_action: true")
    )
    assert _lines(BASE, reworded) == []


def test_stage_added_removed_and_condition_changed() -> None:
    new = BASE.replace("at_least: 40}", "at_least: 50}").replace(
        "  - id: sql\n",
        "  - id: customer\n    kind: customer\n"
        "    when: {field: opportunity.status, equals: won}\n  - id: sales\n",
    )
    assert _lines(BASE, new) == [
        "stage sql: removed (was sales, when sales_ready = true)",
        "stage mql: condition: engagement.score >= 40 -> engagement.score >= 50",
        "stage customer: added (position 3, customer, when opportunity.status = won)",
        "stage sales: added (position 4, sales, when sales_ready = true)",
    ]


def test_stages_reordered() -> None:
    stages = BASE[BASE.index("  - id: mql") : BASE.index("  - id: sql")]
    new = BASE.replace(stages, "") + stages
    changes = diff_definitions(_load(BASE), _load(new))
    assert changes == (
        Change(
            "stages",
            "stage order",
            ChangeKind.REORDERED,
            "order",
            "lead, mql, sql",
            "lead, sql, mql",
        ),
    )


def test_stage_requires_kind_and_labels() -> None:
    new = (
        BASE.replace(
            "    requires: [lead]\n    when: {field: sales_ready", "    when: {field: sales_ready"
        )
        .replace("    kind: sales\n", "    kind: customer\n")
        .replace("labels: {en: Lead, nl: Lead}", "labels: {en: Lead, nl: Aanvraag}")
    )
    assert _lines(BASE, new) == [
        "stage lead: label (nl): Lead -> Aanvraag",
        "stage sql: requires: [lead] -> none",
        "stage sql: kind: sales -> customer",
    ]


def test_fit_rules_and_grade_cut_offs() -> None:
    new = (
        BASE.replace("points: 25, when", "points: 30, when")
        .replace("{min: 50}", "{min: 100}")
        .replace("{A: 75, B: 50, C: 25}", "{A: 80, B: 50, C: 20}")
        .replace(
            "engagement:\n",
            "    - {name: free mail, points: -10, when: {field: contact.free_mail, equals: true}}\n"
            "engagement:\n",
        )
    )
    assert _lines(BASE, new) == [
        "fit rule 'industry': points: 25 -> 30",
        "fit rule 'size': condition: account.employees >= 50 -> account.employees >= 100",
        "fit rule 'free mail': added (-10 points when contact.free_mail = true)",
        "fit grades: A from: 75 -> 80",
        "fit grades: C from: 25 -> 20",
    ]


def test_engagement_points_half_life_cap_and_removal() -> None:
    new = BASE.replace(
        "points: 10, half_life_days: 14}", "points: 8, half_life_days: 7, cap: 24, once: true}"
    ).replace("    - {name: webinar, event: webinar_attendance, points: 15}\n", "")
    assert _lines(BASE, new) == [
        "engagement rule 'webinar': removed (was +15 points per webinar_attendance, no decay)",
        "engagement rule 'pricing': points: 10 -> 8",
        "engagement rule 'pricing': half-life days: 14 -> 7",
        "engagement rule 'pricing': cap: none -> 24",
        "engagement rule 'pricing': once: false -> true",
    ]


def test_sales_ready_gate_changes() -> None:
    new = BASE.replace(
        "  min_fit_grade: B\n",
        "  min_fit_grade: A\n  min_engagement: 30\n  require_sales_action: false\n"
        "  when: {field: prediction, at_least: 0.3}\n",
    )
    assert _lines(BASE, new) == [
        "sales-ready gate: minimum fit grade: B -> A",
        "sales-ready gate: requires a sales action: true -> false",
        "sales-ready gate: minimum engagement: none -> 30",
        "sales-ready gate: extra condition: none -> prediction >= 0.3",
    ]


def test_bant_rules() -> None:
    new = BASE.replace("regex: director}}", "regex: director|chief}, met: true, evidence: title}")
    new = new.replace(
        "stages:\n",
        "  budget:\n    - {name: revenue, when: {field: account.revenue, at_least: 1}}\nstages:\n",
    )
    assert _lines(BASE, new) == [
        "BANT budget rule 'revenue': added (met when account.revenue >= 1)",
        "BANT authority rule 'title': condition: contact.title matches /director/ -> "
        "contact.title matches /director|chief/",
        "BANT authority rule 'title': evidence: none -> title",
    ]


def test_thresholds_of_other_sections() -> None:
    new = BASE + (
        "temperature: {hot: 4, warm: 2, cold: 1}\n"
        "sales_actions:\n  within_days: 14\n"
        "assets:\n  product_specific: ['*spec*']\n"
        "lead_types:\n  sql_outcomes: [interested, wants_proposal]\n"
        "off_ramps:\n  nurture: {en: Recycled}\n"
        "free_mail_domains: [mail.example]\n"
    )
    assert _lines(BASE, new) == [
        "assets: product-specific: [] -> [*spec*]",
        "sales actions: within days: 30 -> 14",
        "temperature: hot from criteria met: 3 -> 4",
        "lead types: SQL outcomes: [interested] -> [interested, wants_proposal]",
        "off-ramp nurture: label (en): none -> Recycled",
        "free-mail domains: added ([mail.example])",
    ]


def test_changes_are_structured() -> None:
    new = BASE.replace("min_fit_grade: B", "min_fit_grade: A")
    (change,) = diff_definitions(_load(BASE), _load(new))
    assert change == Change(
        "sales_ready", "sales-ready gate", ChangeKind.CHANGED, "minimum fit grade", "B", "A"
    )


def test_presets_differ_from_each_other_but_not_from_themselves() -> None:
    waterfall = load_definition("waterfall")
    assert diff_definitions(waterfall, load_definition("waterfall")) == ()
    changes = diff_definitions(waterfall, load_definition("fit-first"))
    removed = {c.subject for c in changes if c.kind is ChangeKind.REMOVED}
    added = {c.subject for c in changes if c.kind is ChangeKind.ADDED}
    assert removed == {"stage mql", "stage sql"}
    assert added == {"stage prospect"}

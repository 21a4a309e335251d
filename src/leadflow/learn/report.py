"""Reports of ICP discovery, a trained model and a cross-validation, as tables.

Each report is built once as ``Section``s (a title, headers, rows of text); the same
sections are printed as rich tables in a terminal and written as Markdown to a file, so
the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from rich.console import Console
from rich.table import Table

from leadflow.learn.evaluation import MODEL, CrossValidation, HoldoutReport, MethodFigures
from leadflow.learn.explain import Contribution, Explanation
from leadflow.learn.icp import Finding, IcpReport
from leadflow.learn.leakage import LeakageScan
from leadflow.learn.metrics import Scores
from leadflow.learn.proposal import ProposedRule
from leadflow.learn.split import SplitKind

__all__ = [
    "Section",
    "cross_validation_sections",
    "icp_json",
    "icp_sections",
    "model_sections",
    "print_sections",
    "to_markdown",
]


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    text: str | None = None  # a paragraph instead of (or before) the table


def print_sections(console: Console, sections: Sequence[Section]) -> None:
    for section in sections:
        if section.text:
            console.print(f"[bold]{section.title}[/bold]: {section.text}", highlight=False)
        if section.rows:
            table = Table(title=None if section.text else section.title, title_justify="left")
            for header in section.headers:
                table.add_column(header, overflow="fold")
            for row in section.rows:
                table.add_row(*row)
            console.print(table)


def to_markdown(title: str, sections: Sequence[Section]) -> str:
    out = [f"# {title}", ""]
    for section in sections:
        out += [f"## {section.title}", ""]
        if section.text:
            out += [section.text, ""]
        if section.rows:
            out.append("| " + " | ".join(section.headers) + " |")
            out.append("|" + "|".join("---" for _ in section.headers) + "|")
            out += [
                "| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in section.rows
            ]
            out.append("")
    return "\n".join(out)


def icp_sections(
    report: IcpReport,
    rules: Sequence[ProposedRule],
    *,
    source: str,
    top: int = 15,
    no_rules: str = "none",
) -> list[Section]:
    summary = (
        f"{source}: {report.leads} closed leads, {report.won} won (base rate "
        f"{report.base_rate:.1%}); values with fewer than {report.min_support} leads are "
        f"pooled into 'other'; {report.confidence:.0%} Wilson intervals"
    )
    sections = [Section("Data", text=summary)]
    # "Note", as `learn model` says: some only point a column out (named like an outcome).
    sections += [Section("Note", text=note) for note in report.notes]
    sections.append(
        Section(
            "Attributes by information value",
            ("attribute", "fact path", "kind", "information value", "values judged", "pooled"),
            tuple(
                (
                    p.name,
                    p.path,
                    p.kind.value,
                    f"{p.information_value:.3f}",
                    str(len(p.levels)),
                    f"{p.pooled_leads} leads" if p.pooled_leads else "",
                )
                for p in report.attributes[:top]
            ),
        )
    )
    sections.append(_findings("What wins (findings above the base rate)", report.winners[:top]))
    sections.append(_findings("What loses (findings below the base rate)", report.losers[:top]))
    if not rules:
        sections.append(Section("Proposed fit rules", text=no_rules))
        return sections
    sections.append(
        Section(
            "Proposed fit rules",
            ("points", "rule", "condition"),
            tuple((f"{r.points:+d}", r.name, _condition_text(r.when)) for r in rules),
        )
    )
    return sections


def _findings(title: str, findings: Sequence[Finding]) -> Section:
    if not findings:
        return Section(title, text="none with enough support and confidence")
    return Section(
        title,
        ("attribute", "value", "leads", "win rate", "interval", "lift"),
        tuple(
            (
                f.attribute,
                f.level.label,
                str(f.leads),
                f"{f.rate:.1%}",
                f"{f.low:.1%} – {f.high:.1%}",
                f"{f.lift:.2f}",
            )
            for f in findings
        ),
    )


def _condition_text(when: Mapping[str, object]) -> str:
    return ", ".join(f"{key}: {value}" for key, value in when.items())


def model_sections(
    report: HoldoutReport,
    *,
    learner: str,
    calibration: str,
    scan: LeakageScan,
    notes: Sequence[str],
    explanations: Sequence[Explanation],
) -> list[Section]:
    split = report.split
    when = ""
    if split.kind is SplitKind.TIME and split.cutoff is not None:
        when = f", decided from {datetime.fromtimestamp(split.cutoff, UTC):%Y-%m-%d %H:%M} UTC on"
    text = (
        f"{learner}, calibration {calibration}; trained on {report.train_leads} leads in "
        f"{report.seconds:.1f} s, judged on {report.test_leads} held-out leads "
        f"({split.kind.value} split{when})"
    )
    sections = [Section("Model", text=text)]
    sections += [Section("Note", text=note) for note in notes]
    sections.append(_leakage(scan))
    sections.append(_figures({MODEL: report.model, **report.comparisons}))
    sections.append(
        Section(
            "Calibration (10 equal-width bins)",
            ("bin", "leads", "predicted", "observed"),
            tuple(
                (
                    f"{b.low:.1f}–{b.high:.1f}",
                    str(b.leads),
                    f"{b.predicted:.3f}",
                    f"{b.observed:.3f}",
                )
                for b in report.calibration
            ),
        )
    )
    sections.append(
        Section(
            "Lift by decile (1 = best scored)",
            ("decile", "leads", "won", "win rate", "lift", "share of all wins so far"),
            tuple(
                (
                    str(d.decile),
                    str(d.leads),
                    str(d.won),
                    f"{d.rate:.1%}",
                    f"{d.lift:.2f}",
                    f"{d.cumulative_share_of_wins:.0%}",
                )
                for d in report.deciles
            ),
        )
    )
    if explanations:
        sections.append(_explanations(explanations))
    return sections


def _leakage(scan: LeakageScan, top: int = 5) -> Section:
    return Section(
        "Single-feature AUC (leakage guard: > 0.95 or < 0.05 is refused)",
        ("attribute", "AUC alone", "flagged"),
        tuple((s.attribute, f"{s.auc:.3f}", "yes" if s.leaky else "") for s in scan.scores[:top]),
    )


def _figures(methods: Mapping[str, Scores]) -> Section:
    def maybe(value: float | None) -> str:
        return "–" if value is None else f"{value:.4f}"

    return Section(
        "Holdout figures",
        ("method", "ROC-AUC", "PR-AUC", "Brier", "ECE"),
        tuple(
            (name, f"{s.roc_auc:.4f}", f"{s.pr_auc:.4f}", maybe(s.brier), maybe(s.ece))
            for name, s in methods.items()
        ),
    )


def _explanations(explanations: Sequence[Explanation]) -> Section:
    def parts(contributions: Sequence[Contribution]) -> str:
        return "; ".join(f"{c.attribute} = {c.value} ({c.effect:+.2f})" for c in contributions)

    return Section(
        "Example explanations (log-odds each value adds, see docs/learning.md)",
        ("lead", "probability", "for", "against"),
        tuple(
            (e.lead, f"{e.probability:.3f}", parts(e.positive), parts(e.negative))
            for e in explanations
        ),
    )


def cross_validation_sections(cv: CrossValidation) -> list[Section]:
    def spread(pair: tuple[float, float] | None) -> str:
        return "–" if pair is None else f"{pair[0]:.4f} ± {pair[1]:.4f}"

    def row(name: str, m: MethodFigures) -> tuple[str, ...]:
        seconds = f"{m.seconds:.1f}" if name == MODEL else ""
        return (name, spread(m.roc_auc), spread(m.pr_auc), spread(m.brier), spread(m.ece), seconds)

    kept = ", ".join(f"{cv.learners.count(n)}× {n}" for n in sorted(set(cv.learners)))
    text = (
        f"stratified {cv.folds}-fold cross-validation, seed {cv.seed}: {cv.leads} leads, "
        f"{cv.won} won; mean ± standard deviation over the folds; the model kept {kept}"
    )
    return [
        Section("Cross-validation", text=text),
        Section(
            "Figures",
            ("method", "ROC-AUC", "PR-AUC", "Brier", "ECE", "s per fold"),
            tuple(row(name, m) for name, m in cv.methods.items()),
        ),
    ]


def icp_json(
    report: IcpReport, rules: Sequence[ProposedRule], *, no_rules: str
) -> dict[str, object]:
    """Findings and proposed rules as plain data (``leadflow learn icp --json``).

    With no rule, ``no_proposal`` says why and that the current fit rules stand, as
    the text report does: an empty ``rules`` alone reads like "remove them all".
    """

    def finding(f: Finding) -> dict[str, object]:
        return {
            "attribute": f.attribute,
            "path": f.path,
            "value": f.level.label,
            "leads": f.leads,
            "won": f.won,
            "win_rate": round(f.rate, 4),
            "interval": [round(f.low, 4), round(f.high, 4)],
            "lift": round(f.lift, 3),
            "weight_of_evidence": round(f.woe, 3),
        }

    return {
        "leads": report.leads,
        "won": report.won,
        "base_rate": round(report.base_rate, 4),
        "min_support": report.min_support,
        "confidence": report.confidence,
        "attributes": [
            {
                "attribute": p.name,
                "path": p.path,
                "information_value": round(p.information_value, 4),
            }
            for p in report.attributes
        ],
        "findings": [finding(f) for f in report.findings],
        "rules": [{"name": r.name, "points": r.points, "when": r.when} for r in rules],
        "patch_proposed": bool(rules),
        "no_proposal": None if rules else no_rules,
        "notes": list(report.notes),
    }

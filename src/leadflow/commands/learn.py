"""``leadflow learn``: learn the ideal lead from closed outcomes (docs/learning.md).

icp       ICP discovery: win rate, lift, support and interval per attribute value, and
          the proposed fit rules as a definition patch (YAML)
model     train a calibrated predictive model, judge it on a holdout, save a version
evaluate  stratified k-fold cross-validation of the same training (reference figures)
predict   score leads of a CSV with a saved model, with the reasons
activate  make a saved model the workspace's active one: it fills ``prediction`` for
          the real-time path, ``leadflow rescore`` and the explanation
deactivate  no active model any more (``prediction`` missing again)
models    the models stored in the workspace, and which one is active

Every command reads closed leads from ``--from FILE.csv`` (``--target``, ``--id``,
``--time``, ``--drop`` ...), from a CRM history folder shaped like the demo world
(``--world DIR``), or, with neither, from the workspace store; for the last two a
lead's decision point is its first hand-off and activity is aggregated as of it.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from leadflow.commands.options import database_problem, missing_workspace
from leadflow.commands.workspace import WorkspaceOption, settings_for
from leadflow.definition.builtin import DEFAULT_PRESET, is_preset
from leadflow.definition.errors import DefinitionError
from leadflow.definition.loader import load_definition
from leadflow.definition.model import Definition
from leadflow.domain.clock import SystemClock
from leadflow.learn.artifact import load_model
from leadflow.learn.crm_columns import email_column, stored_records, with_email_facts
from leadflow.learn.csv_source import read_records_csv
from leadflow.learn.drift import drift_line
from leadflow.learn.errors import LearnInputError
from leadflow.learn.evaluation import ModelOptions
from leadflow.learn.explain import Contribution, Explanation, explain
from leadflow.learn.leakage import guard_leakage
from leadflow.learn.predictive import Calibration, Learner, assess_size, compute_threads
from leadflow.learn.report import (
    cross_validation_sections,
    icp_json,
    print_sections,
    to_markdown,
)
from leadflow.learn.runs import IcpOptions, evaluate_model, no_proposal, run_icp, train_and_save
from leadflow.learn.sources import LeadSource, layout_named, read_leads
from leadflow.learn.split import SplitKind
from leadflow.learn.table import LeadTable
from leadflow.services.prediction import activate_model, deactivate_model, stored_models
from leadflow.settings import Settings
from leadflow.store.database import engine_from_settings
from leadflow.store.models import DefinitionVersion

__all__ = ["register"]

COMMAND_LINE = "command line"  # who activated or deactivated a model, as periods record it

learn_app = typer.Typer(
    name="learn",
    help="Learn the ideal lead from history: ICP discovery and predictive scoring.",
    no_args_is_help=True,
)

_FROM = typer.Option(None, "--from", help="CSV export of leads with their outcome.")
_WORLD = typer.Option(None, "--world", help="A CRM history folder shaped like `leadflow demo`.")
_ALL_CLOSED = typer.Option(
    False, "--all-closed", help="History: keep leads decided too recently to be mature."
)
_TARGET = typer.Option(
    None, "--target", help="Outcome column (1/0, yes/no, Closed Won/Lost, Gewonnen/Verloren ...)."
)
_ID = typer.Option(None, "--id", help="Lead id column (default: the row number).")
_TIME = typer.Option(None, "--time", help="Decision time column (ISO 8601); orders splits.")
_DROP = typer.Option([], "--drop", help="Columns known only after the outcome (comma-separated).")
_POSITIVE = typer.Option(None, "--positive", help="The target value meaning won.")
_NEGATIVE = typer.Option([], "--negative", help="Target values meaning lost (others: open).")
_FORMAT = typer.Option(
    None,
    "--format",
    help="The export's CRM format (hubspot, salesforce ...): columns as its import stores them.",
)
_MAP = typer.Option([], "--map", help="COLUMN=FACT_PATH, e.g. 'Industry=account.industry'.")
_PRESET = typer.Option([], "--leaky-preset", help="Known post-outcome columns: x_education ...")
_ALLOW = typer.Option([], "--allow-leaky", help="Keep a column the leakage guard flags.")
_DEFINITION = typer.Option(None, "--definition", help="Definition file or preset to compare.")
_SEED = typer.Option(0, "--seed", help="Random seed (splits, folds, model).")
_THREADS = typer.Option(1, "--threads", min=0, help="Compute threads; 0 = all cores.")
_LEARNER = typer.Option(Learner.AUTO, "--learner", help="auto: the better on held-out leads.")


def register(app: typer.Typer) -> None:
    """Add the ``learn`` group to the root app."""
    app.add_typer(learn_app, name="learn")


@learn_app.command("icp")
def icp(
    source: Path | None = _FROM,
    world: Path | None = _WORLD,
    all_closed: bool = _ALL_CLOSED,
    target: str | None = _TARGET,
    lead_id: str | None = _ID,
    time: str | None = _TIME,
    drop: list[str] = _DROP,
    positive: str | None = _POSITIVE,
    negative: list[str] = _NEGATIVE,
    mapping: list[str] = _MAP,
    crm_format: str | None = _FORMAT,
    leaky_preset: list[str] = _PRESET,
    allow_leaky: list[str] = _ALLOW,
    definition: str | None = _DEFINITION,
    min_support: int | None = typer.Option(None, "--min-support", min=1, help="Default: 30/1%."),
    bins: int = typer.Option(5, "--bins", min=2, max=20, help="Quantile bins per number."),
    confidence: float = typer.Option(
        0.95, "--confidence", min=0.5, max=0.999, help="Confidence of the win rates' intervals."
    ),
    max_rules: int = typer.Option(12, "--max-rules", min=1, help="Fit rules to propose."),
    patch: Path | None = typer.Option(None, "--patch", help="Write the proposed YAML here."),
    report: Path | None = typer.Option(None, "--report", help="Write a Markdown report here."),
    as_json: bool = typer.Option(False, "--json", help="Print findings and rules as JSON."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Which attribute values win most: findings, and fit rules proposed as a patch."""

    def work() -> None:
        settings = settings_for(workspace)
        reference, active = _active_definition(definition, settings)
        table = _table(
            settings,
            world,
            all_closed,
            active,
            source,
            target,
            lead_id,
            time,
            drop,
            positive,
            negative,
            mapping,
            crm_format,
        )
        # The model's guard: a column that nearly decides the outcome alone (a CRM's
        # lifecycle stage saying "customer") would come back as a proposed fit rule. On
        # fewer closed leads than a rough model needs, a column's out-of-fold win rate
        # says nothing: there the presets and the notes on names only.
        table, _ = guard_leakage(
            table,
            presets=leaky_preset,
            allowed=allow_leaky,
            scan=assess_size(table).learner is not None,
        )
        run = run_icp(
            table,
            IcpOptions(min_support, bins, confidence, max_rules),
            source=_source_name(source, world),
            definition=active,
            extends=_extends(reference, patch),
            now=SystemClock().now(),
            patch_path=patch,
        )
        if as_json:
            no_rules = no_proposal(active)
            typer.echo(json.dumps(icp_json(run.report, run.rules, no_rules=no_rules), indent=2))
        else:
            print_sections(_console(), run.sections)
        _write(report, to_markdown("ICP discovery", run.sections))
        if run.patch is None:
            if patch is not None:
                typer.echo(f"no patch written to {patch}: no fit rule to propose", err=True)
        elif patch is None:
            if not as_json:
                typer.echo("\n" + run.patch)
        else:
            _write(patch, run.patch)
            typer.echo(f"proposed definition patch written to {patch}", err=as_json)

    _guarded(work)


@learn_app.command("model")
def model(
    source: Path | None = _FROM,
    world: Path | None = _WORLD,
    all_closed: bool = _ALL_CLOSED,
    target: str | None = _TARGET,
    lead_id: str | None = _ID,
    time: str | None = _TIME,
    drop: list[str] = _DROP,
    positive: str | None = _POSITIVE,
    negative: list[str] = _NEGATIVE,
    mapping: list[str] = _MAP,
    crm_format: str | None = _FORMAT,
    leaky_preset: list[str] = _PRESET,
    allow_leaky: list[str] = _ALLOW,
    definition: str | None = _DEFINITION,
    out: Path | None = typer.Option(
        None, "--out", help="Models folder (default WORKSPACE/models)."
    ),
    split: SplitKind | None = typer.Option(None, "--split", help="Default: time if --time."),
    learner: Learner = _LEARNER,
    calibration: Calibration = typer.Option(
        Calibration.AUTO,
        "--calibration",
        help="auto: Platt scaling, isotonic on a large calibration slice.",
    ),
    test_fraction: float = typer.Option(
        0.2,
        "--test-fraction",
        min=0.05,
        max=0.5,
        help="Share of the leads held out to test the model.",
    ),
    seed: int = _SEED,
    threads: int = _THREADS,
    refit: bool = typer.Option(False, "--refit", help="Refit on all leads after judging."),
    examples: int = typer.Option(5, "--examples", min=0, help="Leads to explain in the report."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Train a calibrated model, judge it on a holdout, and save it as a new version."""

    def work() -> None:
        settings = settings_for(workspace)
        active = _active_definition(definition, settings)[1] if definition else None
        table = _table(
            settings,
            world,
            all_closed,
            active,
            source,
            target,
            lead_id,
            time,
            drop,
            positive,
            negative,
            mapping,
            crm_format,
        )
        run = train_and_save(
            table,
            ModelOptions(
                learner=learner,
                calibration=calibration,
                split=split,
                test_fraction=test_fraction,
                seed=seed,
                threads=threads or None,
            ),
            out=out or settings.workspace / "models",
            source=_source_name(source, world),
            now=SystemClock().now(),
            presets=leaky_preset,
            allow_leaky=allow_leaky,
            definition=active,
            refit=refit,
            examples=examples,
            assets=active.assets if active else None,
        )
        if run.size.message:
            typer.echo(run.size.message)
        if run.saved is None:
            _fallback_icp(table, settings)
            return
        print_sections(_console(), run.sections)
        typer.echo(f"model v{run.saved.version} saved in {run.saved.path}")

    _guarded(work)


@learn_app.command("evaluate")
def evaluate(
    source: Path | None = _FROM,
    world: Path | None = _WORLD,
    all_closed: bool = _ALL_CLOSED,
    target: str | None = _TARGET,
    lead_id: str | None = _ID,
    time: str | None = _TIME,
    drop: list[str] = _DROP,
    positive: str | None = _POSITIVE,
    negative: list[str] = _NEGATIVE,
    mapping: list[str] = _MAP,
    crm_format: str | None = _FORMAT,
    leaky_preset: list[str] = _PRESET,
    allow_leaky: list[str] = _ALLOW,
    definition: str | None = _DEFINITION,
    folds: int = typer.Option(5, "--folds", min=2, max=20, help="Cross-validation folds."),
    learner: Learner = _LEARNER,
    calibration: Calibration = typer.Option(
        Calibration.AUTO,
        "--calibration",
        help="auto: Platt scaling, isotonic on a large calibration slice.",
    ),
    seed: int = _SEED,
    threads: int = _THREADS,
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Stratified k-fold cross-validation of the model and its comparisons."""

    def work() -> None:
        settings = settings_for(workspace)
        active = _active_definition(definition, settings)[1] if definition else None
        table = _table(
            settings,
            world,
            all_closed,
            active,
            source,
            target,
            lead_id,
            time,
            drop,
            positive,
            negative,
            mapping,
            crm_format,
        )
        size, result = evaluate_model(
            table,
            ModelOptions(
                learner=learner, calibration=calibration, seed=seed, threads=threads or None
            ),
            folds=folds,
            presets=leaky_preset,
            allow_leaky=allow_leaky,
            definition=active,
            now=SystemClock().now(),
        )
        if size.message:
            typer.echo(size.message)
        if result is not None:
            print_sections(_console(), cross_validation_sections(result))

    _guarded(work)


@learn_app.command("predict")
def predict(
    model_path: Path = typer.Option(..., "--model", help="A model version folder or models root."),
    source: Path = typer.Option(..., "--from", help="CSV of leads to score."),
    lead_id: str | None = _ID,
    out: Path | None = typer.Option(None, "--out", help="Write the scores CSV here."),
    reasons: int = typer.Option(3, "--reasons", min=0, max=10, help="Reasons per side."),
    crm_format: str | None = _FORMAT,
    threads: int = _THREADS,
) -> None:
    """Score leads with a saved model: probability and the strongest reasons."""

    def work() -> None:
        saved = load_model(model_path)
        ids, columns, records = read_records_csv(source, lead_id)
        layout = None if crm_format is None else layout_named(crm_format)
        mail = email_column(columns, layout)
        emails = [record.get(mail) for record in records] if mail else []
        paths: dict[str, str] = {}
        if layout is not None:
            records, paths = stored_records(records, columns, layout)
        encoder = saved.model.encoder
        renamed, lacking = encoder.columns_for(columns, paths)
        if mail is not None:
            # The store derives free_mail and email_domain from the address: so do we.
            wanted = [(s.name, s.path) for s in encoder.features if s.name in lacking]
            records, derived = with_email_facts(records, emails, wanted)
            lacking = tuple(name for name in lacking if name not in derived)
        if lacking:
            typer.echo(_lacking(source, lacking, len(encoder.features)), err=True)
        if renamed:
            records = [{renamed.get(k, k): v for k, v in record.items()} for record in records]
        matrix = encoder.encode_records(records)
        # An attribute the file lacks is said above, not again as drift.
        drift = drift_line(saved.card.get("population"), encoder, matrix, skip=lacking)
        if drift is not None:
            typer.echo(drift, err=True)
        with compute_threads(threads or None):
            rows = explain(saved.model, matrix, ids, top=reasons)
        with _output(out) as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["id", "probability", "reasons_for", "reasons_against"])
            for row in rows:
                writer.writerow([row.lead, f"{row.probability:.4f}", *_reasons(row)])
        if out is not None:
            typer.echo(f"{len(rows)} leads scored with model v{saved.version}; written to {out}")

    _guarded(work)


@learn_app.command("activate")
def activate(
    model_path: Path | None = typer.Argument(
        None,
        help="A model version folder, or a models folder (its latest version). "
        "Default: WORKSPACE/models.",
    ),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Make a saved model the workspace's active one: it fills `prediction` when qualifying."""

    def work() -> None:
        settings = settings_for(workspace)
        path = model_path or settings.workspace / "models"
        with _session(settings) as session:
            done = activate_model(session, path, now=SystemClock().now(), actor=COMMAND_LINE)
            yaml = session.scalar(select(DefinitionVersion.yaml).where(DefinitionVersion.active))
            session.commit()
            row = done.row
            state = "was already" if done.already_active else "is now"
            typer.echo(f"model v{row.version} ({_summary(row.card)}) {state} the active model")
            typer.echo(f"  stored from {row.source} (sha256 {row.digest[:12]})")
            for path_name in done.scorer.unread_paths:
                typer.echo(
                    f"  warning: it reads {path_name}, which is not known before the hand-off "
                    "the prediction gates; it is left unknown when scoring (retrain without it, "
                    "e.g. --drop rep, for a model that does not rely on it)"
                )
            if yaml is not None and "prediction" not in yaml:
                typer.echo(
                    "  note: the active definition does not use `prediction` yet; a stage or "
                    "the gate can, e.g. sales_ready: {when: {field: prediction, at_least: 0.3}}"
                )
            typer.echo(
                "  new events are scored with it at once; run `leadflow rescore` to score "
                "every contact now"
            )

    _guarded(work)


@learn_app.command("deactivate")
def deactivate(workspace: Path | None = WorkspaceOption) -> None:
    """No active model: `prediction` is missing again, and conditions on it are false."""

    def work() -> None:
        with _session(settings_for(workspace)) as session:
            row = deactivate_model(session, now=SystemClock().now(), actor=COMMAND_LINE)
            session.commit()
            if row is None:
                typer.echo("no model was active")
                return
            typer.echo(
                f"model v{row.version} is no longer active; run `leadflow rescore` to apply "
                "this to every contact now"
            )

    _guarded(work)


@learn_app.command("models")
def models(workspace: Path | None = WorkspaceOption) -> None:
    """The models stored in the workspace (by `learn activate`), the active one marked,
    each with its latest activation and who made it."""

    def work() -> None:
        with _session(settings_for(workspace)) as session:
            rows = stored_models(session)
            if not rows:
                typer.echo("no model stored; `leadflow learn activate MODEL_FOLDER` stores one")
                return
            table = Table("id", "", "version", "model", "stored", "activated", "by", "from")
            for row in rows:
                table.add_row(
                    str(row.id),
                    "active" if row.active else "",
                    f"v{row.version}",
                    _summary(row.card),
                    _day(row.created_at),
                    _day(row.activated_at),
                    row.activated_by or "",
                    row.source,
                )
            _console().print(table)

    _guarded(work)


@contextmanager
def _session(settings: Settings) -> Iterator[Session]:
    """A session on the workspace store; a store that cannot be used is a one-line error."""
    problem = missing_workspace(settings)
    if problem is not None:
        raise LearnInputError(problem)
    engine = engine_from_settings(settings)
    try:
        with Session(engine) as session:
            yield session
    except (OperationalError, ProgrammingError) as error:
        raise LearnInputError(database_problem(error)) from None
    finally:
        engine.dispose()


def _summary(card: Mapping[str, Any]) -> str:
    """The learner and the holdout's ROC-AUC, as the card says."""
    holdout = card.get("metrics", {}).get("holdout") or {}
    auc = holdout.get("roc_auc") if isinstance(holdout, Mapping) else None
    learner = str(card.get("learner", "model"))
    return learner if auc is None else f"{learner}, holdout ROC-AUC {float(auc):.3f}"


def _day(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M")


def _table(
    settings: Settings,
    world: Path | None,
    all_closed: bool,
    definition: Definition | None,
    source: Path | None,
    target: str | None,
    lead_id: str | None,
    time: str | None,
    drop: list[str],
    positive: str | None,
    negative: list[str],
    mapping: list[str],
    crm_format: str | None,
) -> LeadTable:
    options = LeadSource(
        csv=source,
        world=world,
        database_url=settings.resolved_database_url,
        target=target,
        id=lead_id,
        time=time,
        drop=drop,
        positive=positive,
        negative=negative,
        mapping=mapping,
        all_closed=all_closed,
        format=crm_format,
    )
    return read_leads(options, assets=definition.assets if definition else None)


def _source_name(source: Path | None, world: Path | None) -> str:
    """Where the leads came from, as the report and the model card name it."""
    if source is not None:
        return str(source)
    return str(world) if world is not None else "the workspace store"


def _active_definition(reference: str | None, settings: Settings) -> tuple[str, Definition]:
    """The named definition, else the workspace's, else the default preset."""
    if reference is None:
        configured = settings.resolved_definition
        exists = is_preset(configured) or Path(configured).is_file()
        reference = configured if exists else DEFAULT_PRESET
    return reference, load_definition(reference)


def _extends(reference: str, patch: Path | None) -> str:
    """How the patch names its base: a preset by name, a file relative to the patch."""
    if is_preset(reference):
        return reference
    base = Path(reference).resolve()
    if patch is None:
        return str(base)
    try:
        return str(base.relative_to(patch.resolve().parent))
    except ValueError:
        return str(base)


def _fallback_icp(table: LeadTable, settings: Settings) -> None:
    reference, active = _active_definition(None, settings)
    run = run_icp(
        table,
        IcpOptions(),
        source="the closed leads",
        definition=active,
        extends=reference,
        now=SystemClock().now(),
    )
    print_sections(_console(), run.sections)


def _lacking(source: Path, lacking: tuple[str, ...], features: int) -> str:
    """A model silently fed "not answered" for a whole attribute scores every lead off."""
    shown = ", ".join(lacking[:8]) + (f" and {len(lacking) - 8} more" if len(lacking) > 8 else "")
    return (
        f"warning: {source} has no column for {len(lacking)} of the model's {features} "
        f"attributes ({shown}): those are read as not answered on every lead, which moves "
        "every probability"
    )


def _reasons(row: Explanation) -> list[str]:
    def text(parts: tuple[Contribution, ...]) -> str:
        return "; ".join(f"{p.attribute}={p.value} ({p.effect:+.2f})" for p in parts)

    return [text(row.positive), text(row.negative)]


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    try:
        with path.open("w", newline="", encoding="utf-8") as handle:
            yield handle
    except OSError as error:
        raise LearnInputError(f"{path}: cannot write ({error.strerror})") from None


def _write(path: Path | None, text: str) -> None:
    if path is None:
        return
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise LearnInputError(f"{path}: cannot write ({error.strerror})") from None


def _console() -> Console:
    return Console(width=160)


def _guarded(work: Callable[[], None]) -> None:
    """Run a command; a problem the user can fix is one line on stderr and exit status 1."""
    try:
        work()
    except LearnInputError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    except DefinitionError as error:
        for problem in error.errors:
            typer.echo(str(problem), err=True)
        raise typer.Exit(1) from None

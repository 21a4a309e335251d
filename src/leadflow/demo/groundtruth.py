"""truth.json and manifest.json: what the world was generated from, and what it holds.

The tally counts outcomes while chunks stream past, keeping only the true win
probability and realised outcome of closed leads, so the Bayes-optimal ROC-AUC can be
computed at the end: the AUC of p_win against won/lost among leads whose fate was
decided inside the window. No model can rank those leads better on average.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

import leadflow
from leadflow.demo import truth
from leadflow.demo.accounts import COMPETITOR_DOMAINS, Reps, rep_id
from leadflow.demo.behaviour import SALES_PROPENSITY
from leadflow.demo.catalog import PRODUCT_ASSETS, SIZE_BANDS
from leadflow.demo.config import CHUNK_CONTACTS, WorldConfig
from leadflow.demo.mail import BOUNCE, UNSUBSCRIBE
from leadflow.demo.people import CHANNEL_PERSONAS, GROWTH, People
from leadflow.demo.sales import Sales
from leadflow.demo.sessions import ACTIVITY, VISITORS_PER_CONTACT

__all__ = ["Tally", "manifest", "truth_document"]

_CHANNELS = truth.CHANNEL_VALUES


@dataclass
class Tally:
    """Running counts over the chunks of one world."""

    contacts: int = 0
    events: int = 0
    visitors: int = 0
    by_channel: dict[str, dict[str, int]] = field(
        default_factory=lambda: {
            c: dict.fromkeys(("contacts", "handed_off", "won", "lost", "open"), 0)
            for c in _CHANNELS
        }
    )
    _p_win: list[npt.NDArray[np.float64]] = field(default_factory=list)
    _won: list[npt.NDArray[np.bool_]] = field(default_factory=list)

    def add(self, people: People, sales: Sales) -> None:
        self.contacts += people.size
        leads = sales.leads
        outcome = np.array(leads.outcome, dtype=object)
        channel = people.channel[leads.row]
        for code, name in enumerate(_CHANNELS):
            counts = self.by_channel[name]
            counts["contacts"] += int((people.channel == code).sum())
            mine = channel == code
            counts["handed_off"] += int(mine.sum())
            for fate in ("won", "lost", "open"):
                counts[fate] += int((mine & (outcome == fate)).sum())
        closed = outcome != "open"
        self._p_win.append(leads.p_win[closed])
        self._won.append(np.asarray(outcome[closed] == "won", dtype=np.bool_))

    def total(self, key: str) -> int:
        return sum(counts[key] for counts in self.by_channel.values())

    @property
    def handed_off(self) -> int:
        return self.total("handed_off")

    @property
    def won(self) -> int:
        return self.total("won")

    @property
    def lost(self) -> int:
        return self.total("lost")

    @property
    def open(self) -> int:
        return self.total("open")

    def bayes_optimal_auc(self) -> float | None:
        if not self._p_win:
            return None
        auc = truth.bayes_optimal_auc(np.concatenate(self._p_win), np.concatenate(self._won))
        return None if auc is None else round(auc, 6)


def truth_document(config: WorldConfig, reps: Reps, tally: Tally) -> dict[str, object]:
    coefficients = truth.coefficients()
    return {
        "about": "Ground truth of a leadflow demo world; see docs/demo.md for every field.",
        "parameters": _parameters(config),
        "win_model": {
            "p_close": "sigmoid(intercept + industry + size_band + country + seniority + email_kind"
            " + channel + first_sales_action + iql * iql_flag + engagement_log1p * log1p(engaged))",
            "p_win": "(1 - rep_under_work_rate[rep]) * p_close",
            "outcome": "won with probability p_win, drawn once per handed-off lead",
            "coefficients": coefficients,
            "iql_flag": "a content_download of a product-specific asset strictly before"
            " the hand-off",
            "product_assets": list(PRODUCT_ASSETS),
            "engaged": "events of engagement_types at most engagement_window_days before"
            " the hand-off, the hand-off moment excluded",
            "engagement_types": list(truth.ENGAGEMENT_TYPES),
            "engagement_window_days": truth.ENGAGEMENT_WINDOW_DAYS,
            "size_bands": {band.label: [band.low, band.high] for band in SIZE_BANDS},
            "rep_under_work_rate": {
                rep_id(i + 1): round(float(q), 6) for i, q in enumerate(reps.under_work)
            },
        },
        "ideal_customer_profile": _ranking(),
        "channel_quality": {"order": truth.channel_quality_order(), "effects": truth.CHANNEL},
        "generator": {
            "growth": GROWTH,
            "visitors_per_contact": VISITORS_PER_CONTACT,
            "channel_personas": {
                name: asdict(persona) for name, persona in CHANNEL_PERSONAS.items()
            },
            "sales_propensity": asdict(SALES_PROPENSITY),
            "activity": asdict(ACTIVITY),
            "bounce_share": BOUNCE,
            "unsubscribe_share": UNSUBSCRIBE,
            "competitor_domains": list(COMPETITOR_DOMAINS),
        },
        "outcomes": {
            "contacts": tally.contacts,
            "handed_off": tally.handed_off,
            "won": tally.won,
            "lost": tally.lost,
            "open": tally.open,
            "by_channel": tally.by_channel,
        },
        "bayes_optimal_auc": tally.bayes_optimal_auc(),
        "bayes_optimal_auc_population": "handed-off leads whose outcome (won or lost) was decided"
        " inside the window; the score is win_probability from truth_contacts.csv",
    }


def _ranking() -> list[dict[str, object]]:
    """Every attribute value of the profile, best first: what ICP discovery should find."""
    rows = [
        {"attribute": attribute, "value": value, "coefficient": coefficient}
        for attribute, table in (
            ("industry", truth.INDUSTRY),
            ("size_band", truth.SIZE_BAND),
            ("country", truth.COUNTRY),
            ("seniority", truth.SENIORITY),
            ("email_kind", truth.EMAIL_KIND),
            ("channel", truth.CHANNEL),
        )
        for value, coefficient in table.items()
    ]
    return sorted(
        rows,
        key=lambda row: (-float(str(row["coefficient"])), str(row["attribute"]), str(row["value"])),
    )


def _parameters(config: WorldConfig) -> dict[str, object]:
    return {
        "seed": config.seed,
        "contacts": config.contacts,
        "months": config.months,
        "end": config.end.isoformat(),
        "format": config.fmt,
        "window_start": config.window_start.isoformat().replace("+00:00", "Z"),
        "window_end": config.window_end.isoformat().replace("+00:00", "Z"),
        "chunk_contacts": CHUNK_CONTACTS,
        "generator_version": leadflow.__version__,
    }


def manifest(
    config: WorldConfig, folder: Path, files: dict[str, int], tally: Tally
) -> dict[str, object]:
    """What is in the folder: rows and bytes per file; no generation time, on purpose."""
    return {
        "generator": "leadflow.demo",
        **_parameters(config),
        "files": {
            name: {"rows": rows, "bytes": (folder / name).stat().st_size}
            for name, rows in sorted(files.items())
        },
        "visitors": tally.visitors,
        "events": tally.events,
        "handed_off": tally.handed_off,
        "won": tally.won,
        "bayes_optimal_auc": tally.bayes_optimal_auc(),
    }

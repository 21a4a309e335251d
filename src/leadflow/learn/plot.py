"""The calibration curve as a PNG: predicted against observed win rate, bin by bin.

Drawn on a bare matplotlib ``Figure`` (no pyplot, no global backend state), so it is
safe in a server process and in tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from matplotlib.figure import Figure

from leadflow.learn.metrics import CalibrationBin

__all__ = ["plot_calibration"]


def plot_calibration(
    bins: Sequence[CalibrationBin],
    probabilities: npt.NDArray[np.float64],
    path: Path,
    *,
    title: str = "Calibration on the holdout",
) -> Path:
    figure = Figure(figsize=(6.4, 6.4), dpi=100)
    curve, spread = figure.subplots(2, 1, height_ratios=(3, 1), sharex=True)
    curve.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfectly calibrated")
    sizes = np.array([b.leads for b in bins], dtype=float)
    curve.plot([b.predicted for b in bins], [b.observed for b in bins], color="#1f6feb")
    curve.scatter(
        [b.predicted for b in bins],
        [b.observed for b in bins],
        s=20 + 200 * sizes / max(sizes.max(), 1.0),
        color="#1f6feb",
        label="model (dot size = leads)",
    )
    curve.set_ylabel("observed win rate")
    curve.set_xlim(0, 1)
    curve.set_ylim(0, 1)
    curve.set_title(title)
    curve.legend(loc="upper left")
    spread.hist(probabilities, bins=20, range=(0, 1), color="#8b949e")
    spread.set_xlabel("predicted probability")
    spread.set_ylabel("leads")
    figure.tight_layout()
    figure.savefig(path)
    return path

import math

import numpy as np
import pytest
from scipy.stats import binomtest

from leadflow.learn.icp import default_min_support, discover_icp, wilson_interval
from leadflow.learn.levels import LevelKind
from leadflow.learn.table import table_from_columns

from .conftest import Planted


def test_planted_profile_is_found_at_the_top(planted: Planted) -> None:
    report = discover_icp(planted.table)
    top = report.winners[0]
    assert (top.attribute, top.level.label) == ("Industry", "software")
    assert top.path == "account.industry"
    # The two planted attributes lead the information-value ranking; noise comes last.
    assert {a.name for a in report.attributes[:2]} == {"Industry", "Employees"}
    assert report.attributes[-1].name == "Country"
    big = [f for f in report.winners if f.attribute == "Employees"]
    assert big
    assert all(f.level.low is not None and f.level.low >= 150 for f in big)


def test_noise_attribute_findings_are_rare_and_weakest(planted: Planted) -> None:
    # The false discovery rate is controlled, not abolished: among many true findings a
    # noise value may slip in, but only barely.
    report = discover_icp(planted.table)
    noise = [f for f in report.findings if f.attribute == "Country"]
    planted_findings = [f for f in report.findings if f.attribute != "Country"]
    assert len(noise) <= 1
    assert all(abs(n.strength) < min(abs(f.strength) for f in planted_findings) for n in noise)


def test_pure_noise_yields_no_findings() -> None:
    rng = np.random.default_rng(5)
    size = 3000
    table = table_from_columns(
        {
            "Colour": list(rng.choice(["red", "green", "blue", "grey"], size=size)),
            "Visits": rng.poisson(4, size=size).astype(float),
        },
        ids=np.arange(size).astype(str).astype(object),
        outcome=(rng.uniform(size=size) < 0.3).astype(np.int8),
    )
    assert discover_icp(table).findings == ()


def test_rare_values_are_pooled_not_reported() -> None:
    values = ["common"] * 200 + ["rare"] * 5
    outcome = np.array([0, 1] * 100 + [1] * 5, dtype=np.int8)  # rare: 5 of 5 won
    table = table_from_columns(
        {"Plan": values}, ids=np.arange(len(values)).astype(str).astype(object), outcome=outcome
    )
    report = discover_icp(table, min_support=30)
    profile = report.attributes[0]
    assert [f.level.label for f in profile.levels] == ["common"]
    assert profile.pooled_leads == 5
    assert all(f.level.kind is not LevelKind.OTHER for f in report.findings)
    assert not [f for f in report.findings if "rare" in f.level.values]


def test_default_min_support_grows_with_the_table() -> None:
    assert default_min_support(500) == 30
    assert default_min_support(10_000) == 100


@pytest.mark.parametrize(("won", "leads"), [(0, 10), (3, 10), (10, 10), (81, 263), (1, 1000)])
def test_wilson_interval_matches_scipy(won: int, leads: int) -> None:
    low, high = wilson_interval(won, leads, 0.95)
    expected = binomtest(won, leads).proportion_ci(confidence_level=0.95, method="wilson")
    assert float(low) == pytest.approx(expected.low, abs=1e-9)
    assert float(high) == pytest.approx(expected.high, abs=1e-9)


def test_wilson_interval_known_value() -> None:
    # 8 of 10 at 95%: the textbook interval is [0.490, 0.943].
    low, high = wilson_interval(8, 10)
    assert (round(float(low), 3), round(float(high), 3)) == (0.490, 0.943)
    assert math.isclose(float(wilson_interval(0, 50)[0]), 0.0, abs_tol=1e-12)


def test_needs_both_outcomes() -> None:
    table = table_from_columns(
        {"A": ["x", "y"] * 20},
        ids=np.arange(40).astype(str).astype(object),
        outcome=np.ones(40, dtype=np.int8),
    )
    with pytest.raises(ValueError, match="both won and lost"):
        discover_icp(table)

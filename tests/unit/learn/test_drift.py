import numpy as np

from leadflow.learn.drift import drift_line, population, stability
from leadflow.learn.features import fit_encoder

from .conftest import planted_leads


def test_the_same_population_is_stable_and_says_nothing() -> None:
    table = planted_leads(2000, seed=1).table
    encoder = fit_encoder(table)
    reference = population(encoder, encoder.encode(table.take(np.arange(1000))))
    later = encoder.encode(table.take(np.arange(1000, 2000)))
    assert max(stability(reference, encoder, later).values()) < 0.1
    assert drift_line(reference, encoder, later) is None


def test_a_shifted_population_is_named_with_its_attributes() -> None:
    table = planted_leads(2000, seed=1).table
    encoder = fit_encoder(table)
    reference = population(encoder, encoder.encode(table))
    # Today's leads: only small companies, all from one country.
    small = table.attribute("Employees").values < 50
    dutch = table.attribute("Country").values == "NL"
    today = encoder.encode(table.take(np.flatnonzero(small & dutch)))

    line = drift_line(reference, encoder, today)

    assert line is not None
    assert line.startswith(f"drift (major): the {len(today):,} leads scored differ from the 2,000")
    assert "Country (PSI" in line
    assert "Employees (PSI" in line
    assert "Industry" not in line


def test_few_scored_leads_or_an_old_card_say_nothing() -> None:
    table = planted_leads(500, seed=1).table
    encoder = fit_encoder(table)
    reference = population(encoder, encoder.encode(table))
    assert drift_line(reference, encoder, encoder.encode(table.take(np.arange(20)))) is None
    assert drift_line(None, encoder, encoder.encode(table)) is None

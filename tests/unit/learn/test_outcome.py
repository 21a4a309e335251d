import pytest

from leadflow.learn.errors import LearnInputError
from leadflow.learn.outcome import parse_moments, parse_outcomes


@pytest.mark.parametrize(
    ("values", "won"),
    [
        (["1", "0", "1"], [1, 0, 1]),
        (["Yes", "no", "YES"], [1, 0, 1]),
        (["won", "lost", "Lost"], [1, 0, 0]),
        ([True, False, True], [1, 0, 1]),
    ],
)
def test_known_pairs_need_no_positive(values: list[object], won: list[int]) -> None:
    outcomes = parse_outcomes("y", values)
    assert outcomes.won.tolist() == won
    assert outcomes.closed.all()


def test_empty_outcomes_are_open_not_lost() -> None:
    outcomes = parse_outcomes("y", ["1", "", None, "0"])
    assert outcomes.closed.tolist() == [True, False, False, True]


def test_positive_and_negative_name_the_closed_values() -> None:
    values = ["Won", "Lost", "Engaging", "Prospecting", "Won"]
    outcomes = parse_outcomes("stage", values, positive="won", negative=["Lost"])
    assert outcomes.won.tolist() == [1, 0, 0, 0, 1]
    assert outcomes.closed.tolist() == [True, True, False, False, True]


@pytest.mark.parametrize(
    ("won", "lost"),
    [
        ("Closed Won", "Closed Lost"),
        ("closedwon", "closedlost"),
        ("Closed/Won", "Closed/Lost"),
        ("Gewonnen", "Verloren"),  # German, Dutch
        ("Abgeschlossen und gewonnen", "Abgeschlossen und verloren"),  # HubSpot, German
        ("Gagné", "Perdu"),  # French
        ("gagne", "perdu"),
        ("Vunnet", "Tapt"),  # Norwegian
        ("Vundet", "Tabt"),  # Danish
        ("Vunnen", "Förlorad"),  # Swedish
        ("Ganado", "Perdido"),  # Spanish
        ("Vinto", "Perso"),  # Italian
        ("WON", "LOST"),
    ],
)
def test_a_crms_won_and_lost_words_need_no_positive(won: str, lost: str) -> None:
    outcomes = parse_outcomes("Deal Stage", [won, lost, won, "", lost])
    assert outcomes.won.tolist() == [1, 0, 1, 0, 0]
    assert outcomes.closed.tolist() == [True, True, True, False, True]


def test_other_stages_beside_won_and_lost_words_are_open_and_named() -> None:
    values = ["Won", "Lost", "Engaging", "Prospecting", "Won", "Engaging"]
    outcomes = parse_outcomes("deal_stage", values)
    assert outcomes.won.tolist() == [1, 0, 0, 0, 1, 0]
    assert outcomes.closed.tolist() == [True, True, False, False, True, False]
    assert outcomes.open_values == ("Engaging", "Prospecting")


def test_non_binary_target_is_refused() -> None:
    with pytest.raises(LearnInputError, match="'rating' is not a yes/no outcome"):
        parse_outcomes("rating", ["Hot", "Warm", "Cold"])
    with pytest.raises(LearnInputError, match="name the closed-lost ones with --negative"):
        parse_outcomes("stage", ["Won", "Lost", "Engaging"], positive="Won")


def test_positive_must_occur() -> None:
    with pytest.raises(LearnInputError, match="--positive 'Closed' does not occur"):
        parse_outcomes("stage", ["Won", "Lost"], positive="Closed")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["1", "1"], "all 2 closed rows are won and none lost"),
        (["Closed Won", "Open", "closed won"], "all 2 closed rows are won and none lost"),
        (["Verloren", "Verloren", "Offen"], "all 2 closed rows are lost and none won"),
    ],
)
def test_one_sided_target_is_refused_in_one_line(values: list[str], message: str) -> None:
    with pytest.raises(LearnInputError, match=message) as refused:
        parse_outcomes("y", values)
    assert "\n" not in str(refused.value)


def test_moments_accept_dates_offsets_and_naive_utc() -> None:
    seconds = parse_moments("t", ["2026-01-01", "2026-01-01T01:00:00+01:00", "2026-01-01 00:00"])
    assert seconds.tolist() == [1767225600] * 3


def test_unix_seconds_are_moments_too() -> None:
    assert parse_moments("t", ["1767225600", 1767225600.0]).tolist() == [1767225600] * 2


def test_unreadable_moment_names_the_row() -> None:
    with pytest.raises(LearnInputError, match="row 2: 'soon' is not an ISO 8601"):
        parse_moments("t", ["2026-01-01", "soon"])


def test_negative_alone_adds_a_teams_own_lost_stage_to_the_words() -> None:
    values = ["Gewonnen", "Verloren", "Disqualifiziert", "In Bearbeitung"]
    outcomes = parse_outcomes("Phase", values, negative=["disqualifiziert"])
    assert outcomes.won.tolist() == [1, 0, 0, 0]
    assert outcomes.closed.tolist() == [True, True, True, False]
    assert outcomes.open_values == ("In Bearbeitung",)

"""Deal amounts in one report currency: converted at a rate, or left out and counted."""

from __future__ import annotations

import pytest

from leadflow.analytics.money import DEFAULT_CURRENCY, convert, money_notes, most_common_currency


def test_the_report_currency_is_the_one_most_deals_are_in() -> None:
    amounts = convert([100.0, 200.0, 50.0], ["GBP", "gbp ", "EUR"])
    assert amounts.currency == "GBP"  # case and spaces as a CRM export writes them
    assert amounts.values.tolist() == [100.0, 200.0, 0.0]
    assert amounts.left_out == {"EUR": 1}


def test_a_tie_goes_to_the_alphabetically_first_and_no_currency_means_the_default() -> None:
    assert convert([1.0, 2.0], ["SEK", "CHF"]).currency == "CHF"
    assert convert([1.0], [None]).currency == DEFAULT_CURRENCY
    assert convert([], []).currency == DEFAULT_CURRENCY


def test_a_deal_without_a_currency_is_taken_in_the_report_currency() -> None:
    amounts = convert([10.0, None, 5.0], [None, "EUR", "EUR"], currency="EUR")
    assert amounts.values.tolist() == [10.0, 0.0, 5.0]
    assert amounts.left_out == {}
    assert money_notes(amounts) == []


def test_other_currencies_are_converted_at_their_rate_or_left_out() -> None:
    amounts = convert(
        [1000.0, 200.0, 300.0, 400.0, 50.0],
        ["EUR", "GBP", "USD", "USD", "CHF"],
        currency="EUR",
        rates={"GBP": 1.15, "CHF": 1.05},
    )
    assert amounts.values.tolist() == pytest.approx([1000.0, 230.0, 0.0, 0.0, 52.5])
    assert amounts.converted == ("CHF", "GBP")
    assert amounts.left_out == {"USD": 2}
    assert money_notes(amounts) == [
        "values in EUR; deals in CHF, GBP converted at the exchange rates of costs.yaml",
        "values in EUR; deals left out of them (no exchange rate in costs.yaml): USD: 2",
    ]


def test_the_most_common_currency_is_counted_without_regard_to_case() -> None:
    assert most_common_currency({"gbp": 1, "GBP ": 1, "EUR": 2, None: 5}) == "EUR"  # tie: EUR
    assert most_common_currency({"gbp": 2, "EUR": 1}) == "GBP"
    assert most_common_currency({None: 3}) == most_common_currency({}) == "EUR"

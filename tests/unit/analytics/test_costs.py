"""costs.yaml: a price per lead by vendor, campaign or channel; errors name file and key."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from leadflow.analytics.costs import Costs, CostsError, PerLead, load_costs


def test_a_purchased_lead_costs_its_vendor_price_then_campaign_then_channel() -> None:
    costs = Costs(
        per_lead=PerLead(channel={"paid_search": 40}, campaign={"spring": 25}, vendor={"V": 9})
    )
    prices = costs.of_leads(
        ["paid_search", "paid_search", "purchased", "purchased", "referral"],
        [None, "spring", None, None, None],
        [None, None, "V", "V", None],
        [False, False, True, False, False],
    )
    assert prices[:3].tolist() == [40.0, 25.0, 9.0]
    assert math.isnan(prices[3])  # a vendor's price applies to purchased leads only
    assert math.isnan(prices[4])
    assert costs.configured
    assert not Costs().configured


def test_no_file_means_no_costs(tmp_path: Path) -> None:
    assert load_costs(tmp_path / "costs.yaml") == Costs()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("per_lead: {channels: {a: 1}}", "per_lead.channels: Extra inputs"),
        ("per_lead: {channel: {a: cheap}}", "per_lead.channel.a:"),
        ("per_lead: [", "not valid YAML"),
    ],
)
def test_a_bad_costs_file_is_one_line_naming_the_file(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "costs.yaml"
    path.write_text(text)
    with pytest.raises(CostsError) as caught:
        load_costs(path)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_report_currency_and_exchange_rates_read_as_iso_codes(tmp_path: Path) -> None:
    path = tmp_path / "costs.yaml"
    path.write_text("currency: chf\nexchange_rates: {eur: 0.95, ' GBP': 1.1}\n")
    costs = load_costs(path)
    assert costs.currency == "CHF"
    assert costs.exchange_rates == {"EUR": 0.95, "GBP": 1.1}
    assert Costs().currency is None  # unset: the currency most deals are in


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("currency: euro", "currency: Value error, 'euro' is not a three-letter ISO 4217 code"),
        ("exchange_rates: {USD: 0}", "exchange_rates.USD: Input should be greater than 0"),
        ("exchange_rates: {US$: 0.9}", "exchange_rates: Value error, 'US$' is not a three"),
    ],
)
def test_a_bad_currency_or_rate_names_its_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "costs.yaml"
    path.write_text(text)
    with pytest.raises(CostsError, match=message.replace("$", r"\$")):
        load_costs(path)


def test_sources_are_priced_in_the_words_a_team_writes_them(tmp_path: Path) -> None:
    # Contacts hold leadflow's channel codes, lower-case campaigns (as imports store UTM
    # values) and vendors as the export wrote them; costs.yaml is typed by a person.
    path = tmp_path / "costs.yaml"
    path.write_text(
        "per_lead:\n"
        "  channel: {LinkedIn: 55, Google Ads: 40}\n"
        "  campaign: {Spring-Webinar: 25}\n"
        "  vendor: {leadstream europe: 12}\n",
        encoding="utf-8",
    )
    prices = load_costs(path).of_leads(
        ["linkedin", "paid_search", "referral", "purchased"],
        [None, None, "spring-webinar", None],
        [None, None, None, "LeadStream Europe"],
        [False, False, False, True],
    )
    assert prices.tolist() == [55.0, 40.0, 25.0, 12.0]


def test_two_prices_for_one_source_are_refused_naming_both(tmp_path: Path) -> None:
    path = tmp_path / "costs.yaml"
    path.write_text("per_lead:\n  channel: {LinkedIn: 55, linkedin: 50}\n", encoding="utf-8")
    with pytest.raises(CostsError, match="'LinkedIn' and 'linkedin' both price linkedin"):
        load_costs(path)

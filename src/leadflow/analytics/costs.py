"""What a lead costs, per source, and the reports' currency: the ``costs.yaml`` of a
workspace (optional).

    currency: EUR                # the reports' values and these prices (default: the
                                 # currency most deals are in)
    exchange_rates: {GBP: 1.16, CHF: 1.05}   # EUR per unit, for deals in other currencies
    per_lead:                    # the cost of each lead from a source
      channel: {paid_search: 40, linkedin: 55}
      campaign: {spring-webinar: 25}
      vendor: {LeadStream Europe: 12, ProspectPool: 9}   # purchased leads (MSRL)

A lead costs its vendor's price when it was purchased from a listed vendor, else its
campaign's, else its channel's; a lead matching none costs nothing known. The channel
report divides a group's cost by its sales-qualified leads and by its won deals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import yaml
from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, ValidationError, field_validator

from leadflow.ingest.normalise import normalise_utm
from leadflow.ingest.values import channel as channel_word

__all__ = ["COSTS_FILE", "Costs", "CostsError", "load_costs"]

COSTS_FILE = "costs.yaml"


class CostsError(ValueError):
    """The costs file cannot be used; the message names the file and the key."""


class PerLead(BaseModel):
    """Prices keyed as contacts hold their sources, whatever the file's spelling: a
    channel in leadflow's word (``LinkedIn`` -> ``linkedin``, ``Google Ads`` ->
    ``paid_search``, as imports read it), a campaign as UTM values are stored (lower
    case), a vendor without regard to case or spacing. A price the contacts could never
    match would leave a channel's cost empty, silently."""

    model_config = ConfigDict(extra="forbid")

    channel: dict[str, float] = Field(default_factory=dict)
    campaign: dict[str, float] = Field(default_factory=dict)
    vendor: dict[str, float] = Field(default_factory=dict)

    @field_validator("channel")
    @classmethod
    def _channels(cls, value: dict[str, float]) -> dict[str, float]:
        return _keyed(value, channel_word)

    @field_validator("campaign")
    @classmethod
    def _campaigns(cls, value: dict[str, float]) -> dict[str, float]:
        return _keyed(value, normalise_utm)

    @field_validator("vendor")
    @classmethod
    def _vendors(cls, value: dict[str, float]) -> dict[str, float]:
        return _keyed(value, vendor_key)


class Costs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    currency: str | None = None  # None: the currency most deals are in
    exchange_rates: dict[str, PositiveFloat] = Field(default_factory=dict)
    per_lead: PerLead = Field(default_factory=PerLead)

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        return None if value is None else _code(value)

    @field_validator("exchange_rates")
    @classmethod
    def _rates(cls, value: dict[str, float]) -> dict[str, float]:
        return {_code(code): rate for code, rate in value.items()}

    @property
    def configured(self) -> bool:
        per = self.per_lead
        return bool(per.channel or per.campaign or per.vendor)

    def of_leads(
        self,
        channels: Sequence[str | None],
        campaigns: Sequence[str | None],
        vendors: Sequence[str | None],
        purchased: Sequence[bool | None],
    ) -> npt.NDArray[np.float64]:
        """Each lead's cost; NaN where no price applies."""
        per = self.per_lead
        costs = np.full(len(channels), np.nan)
        rows = zip(channels, campaigns, vendors, purchased, strict=True)
        for index, (channel, campaign, vendor, bought) in enumerate(rows):
            if bought and vendor and vendor_key(vendor) in per.vendor:
                costs[index] = per.vendor[vendor_key(vendor)]
            elif campaign in per.campaign:
                costs[index] = per.campaign[campaign]
            elif channel in per.channel:
                costs[index] = per.channel[channel]
        return costs


def vendor_key(name: str) -> str:
    """A lead vendor's name compared without case or extra spaces."""
    return " ".join(name.split()).casefold()


def _keyed(prices: dict[str, float], key: Callable[[str], str]) -> dict[str, float]:
    keyed: dict[str, float] = {}
    written: dict[str, str] = {}
    for name, price in prices.items():
        source = key(str(name))
        if source in keyed:
            raise ValueError(f"{written[source]!r} and {name!r} both price {source}")
        keyed[source], written[source] = price, str(name)
    return keyed


def _code(text: str) -> str:
    code = text.strip().upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise ValueError(f"{text!r} is not a three-letter ISO 4217 code (EUR, GBP, USD)")
    return code


def load_costs(path: Path) -> Costs:
    """The costs in ``path``; an empty ``Costs`` when the file does not exist."""
    if not path.exists():
        return Costs()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return Costs.model_validate(data)
    except OSError as error:
        raise CostsError(f"cannot read {path}: {error.strerror or error}") from None
    except yaml.YAMLError as error:
        raise CostsError(f"{path}: not valid YAML ({getattr(error, 'problem', error)})") from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(document)"
        raise CostsError(f"{path}: {where}: {first['msg']}") from None

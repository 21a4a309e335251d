"""What leadflow ships with a definition: the presets and the free-mail list.

Both are package data (``presets/*.yaml``, ``data/free_mail_domains.txt``), read through
``importlib.resources`` so they work from a wheel as well as from a checkout.

    waterfall         lead -> mql -> sql ("prospect") -> opportunity -> customer (default)
    fit-first         lead -> prospect (fits the market) -> opportunity -> customer
    engagement-first  prospect (engaged) -> lead -> mql -> sql -> customer
    split-prospect    marketing_prospect -> lead -> sales_prospect -> opportunity -> customer
    hubspot           HubSpot's lifecycle stages, for interoperability
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable

import yaml

__all__ = [
    "DEFAULT_PRESET",
    "PRESET_NAMES",
    "UnknownPresetError",
    "builtin_free_mail_domains",
    "is_preset",
    "preset_description",
    "preset_text",
]

DEFAULT_PRESET = "waterfall"
# In the order the docs present the schools; every name has presets/<name>.yaml.
PRESET_NAMES: tuple[str, ...] = (
    "waterfall",
    "fit-first",
    "engagement-first",
    "split-prospect",
    "hubspot",
)


class UnknownPresetError(LookupError):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"unknown preset {name!r}; presets: {', '.join(PRESET_NAMES)}")


def _package() -> Traversable:
    return files("leadflow.definition")


def is_preset(name: str) -> bool:
    return name in PRESET_NAMES


def preset_text(name: str) -> str:
    """The YAML of a shipped preset, exactly as a team would copy it."""
    if not is_preset(name):
        raise UnknownPresetError(name)
    return (_package() / "presets" / f"{name}.yaml").read_text(encoding="utf-8")


def preset_description(name: str) -> str:
    """The preset's own ``description``, for listings."""
    data = yaml.safe_load(preset_text(name))
    return str(data.get("description", "")) if isinstance(data, dict) else ""


@cache
def builtin_free_mail_domains() -> frozenset[str]:
    text = (_package() / "data" / "free_mail_domains.txt").read_text(encoding="utf-8")
    lines = (line.strip().casefold() for line in text.splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))

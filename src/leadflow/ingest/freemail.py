"""Free-mail providers: an address there says nothing about the person's employer.

The list is the definition's built-in one (``definition/data/free_mail_domains.txt``,
also behind the ``contact.free_mail`` fact), so imports and qualification agree on
what free mail is. On top of it, a provider family registered under many country
domains (``hotmail.com.br``, ``yahoo.co.jp``, ``gmx.at`` ...) counts as free mail under
every country code, without listing each one.
"""

from __future__ import annotations

from leadflow.definition.builtin import builtin_free_mail_domains

__all__ = ["is_free_mail"]

_FAMILIES: frozenset[str] = frozenset(
    {"gmail", "googlemail", "yahoo", "ymail", "hotmail", "outlook", "live", "msn",
     "windowslive", "aol", "gmx", "yandex", "icloud", "protonmail", "zoho"}
)  # fmt: skip
# What may follow a family name: a country code, or a second level like ``co.uk``.
_SECOND_LEVELS = frozenset({"co", "com", "net", "org"})


def is_free_mail(domain: str, extra: frozenset[str] = frozenset()) -> bool:
    """True when ``domain`` (lower-case) is a free-mail provider, built in or in ``extra``."""
    if domain in extra or domain in builtin_free_mail_domains():
        return True
    labels = domain.split(".")
    if labels[0] not in _FAMILIES:
        return False
    rest = labels[1:]
    if len(rest) == 1:
        return len(rest[0]) == 2 or rest[0] in _SECOND_LEVELS
    return len(rest) == 2 and rest[0] in _SECOND_LEVELS and len(rest[1]) == 2

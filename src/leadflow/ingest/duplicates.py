"""Candidate duplicates: different contacts that are probably the same person.

Exact identity is the normalised e-mail (the store allows one contact per address);
this module finds what that misses: "Jan Jansen <jan@acme.nl>" and "J. Janssen
<j.janssen@acme.nl>", or a Salesforce lead and a HubSpot contact without e-mail.

Score (0-100) = 0.75 x name similarity + 0.25 x organisation similarity, where
    name          rapidfuzz token-sort ratio of the folded full names (so "Jansen Jan"
                  matches "Jan Jansen"), accents and case ignored;
    organisation  100 for the same company domain, else the token-sort ratio of the
                  company names, 50 (no evidence either way) when a side has neither;
    phone         the same E.164 number adds 10 (capped at 100).

Comparing every pair is O(n²); people are compared only within a *block*: the same
company domain, or the same first three letters of the family name and initial (and
the same with first and family name swapped). Within a block, rapidfuzz's ``cdist``
scores all names at once in C and drops pairs whose name alone cannot reach the
minimum score. Candidates are listed, never merged: a person decides.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from leadflow.ingest.countries import fold
from leadflow.ingest.freemail import is_free_mail

__all__ = ["Candidate", "Person", "candidate_duplicates", "pair_score"]

NAME_WEIGHT, ORG_WEIGHT, PHONE_BONUS, UNKNOWN_ORG = 0.75, 0.25, 10.0, 50.0
# A block larger than this (a big company's domain) is compared in overlapping windows
# of people sorted by name: memory and time stay bounded, near names still meet.
MAX_BLOCK = 500


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    company: str | None = None
    domain: str | None = None
    phone: str | None = None

    @property
    def name(self) -> str:
        return fold(f"{self.first_name or ''} {self.last_name or ''}")


@dataclass(frozen=True, slots=True)
class Candidate:
    """Two contacts that may be one person; ``first`` < ``second``."""

    first: int
    second: int
    score: float
    reasons: tuple[str, ...]


def candidate_duplicates(
    people: Iterable[Person], min_score: float = 90.0, free_mail: frozenset[str] = frozenset()
) -> list[Candidate]:
    """Pairs scoring at least ``min_score``, best first."""
    named = [person for person in people if person.name]
    names = [person.name for person in named]
    found: dict[tuple[int, int], Candidate] = {}
    for members in _blocks(named, free_mail):
        for i, j in _close_names(members, names, min_score):
            a, b = named[i], named[j]
            key = (min(a.id, b.id), max(a.id, b.id))
            if key not in found:
                candidate = pair_score(a, b, free_mail)
                if candidate.score >= min_score:
                    found[key] = candidate
    return sorted(found.values(), key=lambda c: (-c.score, c.first, c.second))


def pair_score(a: Person, b: Person, free_mail: frozenset[str] = frozenset()) -> Candidate:
    """The score of one pair and the evidence behind it."""
    name = float(fuzz.token_sort_ratio(a.name, b.name))
    reasons = [f"name {name:.0f}"]
    org = UNKNOWN_ORG
    if a.domain and a.domain == b.domain and not is_free_mail(a.domain, free_mail):
        org = 100.0
        reasons.append(f"same domain {a.domain}")
    elif a.company and b.company:
        org = float(fuzz.token_sort_ratio(fold(a.company), fold(b.company)))
        reasons.append(f"company {org:.0f}")
    score = NAME_WEIGHT * name + ORG_WEIGHT * org
    if a.phone and a.phone == b.phone:
        score = min(100.0, score + PHONE_BONUS)
        reasons.append("same phone")
    first, second = sorted((a.id, b.id))
    return Candidate(first, second, round(score, 1), tuple(reasons))


def _blocks(people: list[Person], free_mail: frozenset[str]) -> Iterator[list[int]]:
    """Lists of indexes into ``people`` to compare among themselves."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, person in enumerate(people):
        for key in set(_keys(person, free_mail)):  # "Jan Jansen": both orders, one key
            blocks[key].append(index)
    for members in blocks.values():
        if len(members) <= MAX_BLOCK:
            if len(members) > 1:
                yield members
            continue
        ordered = sorted(members, key=lambda index: people[index].name)
        step = MAX_BLOCK // 2
        for start in range(0, len(ordered) - step, step):
            yield ordered[start : start + MAX_BLOCK]


def _keys(person: Person, free_mail: frozenset[str]) -> Iterator[str]:
    if person.domain and not is_free_mail(person.domain, free_mail):
        yield f"domain:{person.domain}"
    first, last = fold(person.first_name or ""), fold(person.last_name or "")
    if last:
        yield f"name:{last[:3]}:{first[:1]}"
    if first:
        yield f"name:{first[:3]}:{last[:1]}"


def _close_names(
    members: list[int], names: list[str], min_score: float
) -> Iterator[tuple[int, int]]:
    """Index pairs of ``members`` whose names alone can still reach ``min_score``."""
    floor = max(0.0, (min_score - ORG_WEIGHT * 100.0 - PHONE_BONUS) / NAME_WEIGHT)
    block = [names[index] for index in members]
    scores = process.cdist(
        block, block, scorer=fuzz.token_sort_ratio, score_cutoff=floor, dtype=np.uint8
    )
    rows, columns = np.nonzero(np.triu(scores, k=1))
    for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
        yield members[row], members[column]

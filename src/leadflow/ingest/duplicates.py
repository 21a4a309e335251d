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
company domain, the same first three letters of the family name and initial (and the
same with first and family name swapped), or the same phone number. A block larger
than ``MAX_BLOCK`` (a big company's domain, or a common name among a million contacts)
is sorted by name (its words in order, as the score compares them), then company, and
compared in overlapping windows of ``MAX_BLOCK`` people that move by half a window:
near names meet, and so do namesakes at one company, while memory and time per block
stay bounded. Within a window, rapidfuzz's ``cdist`` scores all names at once in C and
drops pairs whose name alone cannot reach the minimum score; the rest are scored as
arrays (``_Scan._scores``, the same arithmetic as ``pair_score``).

Memory grows with the people, read one at a time into columns, not with the pairs: a
pair is counted once, in the first block (in scan order) where it meets, so no set of
pairs seen is kept, and only the ``limit`` best are held (``list_duplicates``).
``Listing`` says what was compared in windows: how many blocks, the largest, and the
names shared by more people than half a window (of those, only namesakes near each
other in company order meet). Candidates are listed, never merged: a person decides.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from leadflow.ingest.countries import fold
from leadflow.ingest.freemail import is_free_mail

__all__ = [
    "Candidate",
    "CommonName",
    "Listing",
    "Person",
    "candidate_duplicates",
    "list_duplicates",
    "pair_score",
]

NAME_WEIGHT, ORG_WEIGHT, PHONE_BONUS, UNKNOWN_ORG = 0.75, 0.25, 10.0, 50.0
# A block larger than this (a big company's domain) is compared in overlapping windows
# of people sorted by name: memory and time stay bounded, near names still meet.
MAX_BLOCK = 500
_STEP = MAX_BLOCK // 2
_SLOTS = 4  # keys per person: a domain, the name both ways round, a phone

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


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


@dataclass(frozen=True, slots=True)
class CommonName:
    """A (folded) name more people share than half a window holds."""

    name: str
    people: int


@dataclass
class Listing:
    """The best candidates and what the scan counted and capped on the way."""

    candidates: list[Candidate]  # best first, at most the limit asked for
    total: int  # every pair scoring at least the minimum, each counted once
    windowed_blocks: int = 0  # blocks over MAX_BLOCK people, compared in windows
    largest_block: int = 0
    common_names: list[CommonName] = field(default_factory=list)  # most people first


def candidate_duplicates(
    people: Iterable[Person], min_score: float = 90.0, free_mail: frozenset[str] = frozenset()
) -> list[Candidate]:
    """Pairs scoring at least ``min_score``, best first (all of them: see ``list_duplicates``
    for a bounded listing)."""
    return list_duplicates(people, min_score, None, free_mail).candidates


def list_duplicates(
    people: Iterable[Person],
    min_score: float = 90.0,
    limit: int | None = 50,
    free_mail: frozenset[str] = frozenset(),
) -> Listing:
    """The ``limit`` best pairs scoring at least ``min_score`` (None: all), and the count of
    all; memory grows with the people and the limit, not with the pairs."""
    scan = _Scan(people, free_mail)
    best = _Best(scan.person, scan.ids, limit, min_score)
    total = 0
    for a, b, scores in scan.pairs(min_score):
        total += len(a)
        best.offer(a, b, scores, free_mail)
    return Listing(best.ranked(), total, scan.windowed, scan.largest, scan.common_names())


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


class _Best:
    """The ``limit`` best candidates seen (all when None), as a heap whose top is the worst.

    Of each batch of pairs, only those that beat the worst held one (at most ``limit`` of
    them, chosen on the arrays) are scored one by one for their reasons."""

    def __init__(
        self, person: Callable[[int], Person], ids: Ints, limit: int | None, min_score: float
    ) -> None:
        self.person, self.ids, self.limit, self.min_score = person, ids, limit, min_score
        self.heap: list[tuple[float, int, int, Candidate]] = []

    def offer(self, a: Ints, b: Ints, scores: Floats, free_mail: frozenset[str]) -> None:
        if self.limit is not None:
            a, b = self._contenders(a, b, scores, self.limit)
        for i, j in zip(a.tolist(), b.tolist(), strict=True):
            found = pair_score(self.person(i), self.person(j), free_mail)
            if found.score < self.min_score:  # never: ``_scores`` is the same arithmetic
                continue
            entry = (found.score, -found.first, -found.second, found)
            if self.limit is None or len(self.heap) < self.limit:
                heapq.heappush(self.heap, entry)
            elif entry[:3] > self.heap[0][:3]:
                heapq.heapreplace(self.heap, entry)

    def _contenders(self, a: Ints, b: Ints, scores: Floats, limit: int) -> tuple[Ints, Ints]:
        """The batch's ``limit`` best pairs (best first) that beat the worst one held."""
        first = np.minimum(self.ids[a], self.ids[b])
        second = np.maximum(self.ids[a], self.ids[b])
        if len(self.heap) >= limit:
            score, low, high = self.heap[0][0], -self.heap[0][1], -self.heap[0][2]
            beats = (scores > score) | (
                (scores == score) & ((first < low) | ((first == low) & (second < high)))
            )
            a, b, scores, first, second = (
                a[beats],
                b[beats],
                scores[beats],
                first[beats],
                second[beats],
            )
        order = np.lexsort((second, first, -scores))[:limit]
        return a[order], b[order]

    def ranked(self) -> list[Candidate]:
        return [entry[3] for entry in sorted(self.heap, key=lambda e: e[:3], reverse=True)]


class _Scan:
    """The people as columns, their blocks, and the pairs that score in them."""

    def __init__(self, people: Iterable[Person], free_mail: frozenset[str]) -> None:
        """Read ``people`` one at a time into columns: no ``Person`` is kept (a million of
        them, with their e-mails, took a gigabyte), repeated companies and domains once."""
        self.free_mail = free_mail
        ids: list[int] = []
        self.names: list[str] = []
        self.sorted_names: list[str] = []
        self.company: list[str | None] = []  # as written (``pair_score`` folds it)
        self.companies: list[str] = []  # folded
        sorted_companies: list[str] = []
        self.domain: list[str | None] = []
        self.phone: list[str | None] = []
        domains: list[int] = []
        folded: dict[str, tuple[str, str, str]] = {}  # company: itself, folded, words sorted
        codes: dict[str | None, int] = {None: -1}  # domain: its number, -1 for no evidence
        shared: dict[str, str] = {}  # one copy of each domain
        self.blocks: dict[str, list[int]] = defaultdict(list)
        for person in people:
            name = person.name
            if not name:
                continue
            index = len(ids)
            ids.append(person.id)
            self.names.append(name)
            words = _sorted_words(name)
            self.sorted_names.append(name if words == name else words)  # one copy when equal
            company, folded_company, company_words = _folded(folded, person.company)
            self.company.append(company)
            self.companies.append(folded_company)
            sorted_companies.append(company_words)
            domain = person.domain
            if domain not in codes:
                codes[domain] = len(codes) if _domain(person, free_mail) else -1
            self.domain.append(domain and shared.setdefault(domain, domain))
            domains.append(codes[domain])
            self.phone.append(person.phone)
            for key in dict.fromkeys(_keys(person, free_mail)):  # "Jan Jansen": one key
                self.blocks[key].append(index)
        self.ids = np.array(ids, dtype=np.int64)
        self.sorted_companies = np.array(sorted_companies, dtype=np.object_)
        self.domains = np.array(domains, dtype=np.int64)
        self.phones = _hashes(self.phone)
        self.has_company = np.array([bool(company) for company in self.company], dtype=np.bool_)
        # Each person's block numbers (in the order blocks are scanned) and, for a
        # windowed block, the half-window their place in its order falls in.
        self.keys = np.full((len(self.ids), _SLOTS), -1, dtype=np.int64)
        self.halves = np.full((len(self.ids), _SLOTS), -1, dtype=np.int64)
        self.windowed = self.largest = 0
        self.common: dict[str, int] = {}

    def person(self, index: int) -> Person:
        """The person at ``index``, as ``pair_score`` needs it: the folded name stands for
        first and family name (folding it again changes nothing), no e-mail."""
        return Person(
            int(self.ids[index]), self.names[index], None, None,
            self.company[index], self.domain[index], self.phone[index],
        )  # fmt: skip

    def pairs(self, min_score: float) -> Iterator[tuple[Ints, Ints, Floats]]:
        """(first indexes, second indexes, scores) of pairs scoring at least ``min_score``,
        every pair once."""
        for number, members in enumerate(self._numbered()):
            for window, fresh in self._windows(number, members):
                rows, columns, names = _close_names(window, self.sorted_names, min_score)
                keep = columns >= fresh  # the rest met in the previous window
                rows, columns = rows[keep], columns[keep]
                a, b = window[rows], window[columns]
                scores = self._scores(window, rows, columns, names[keep])
                keep = scores >= min_score - 0.1  # rounding can lift these to min_score
                a, b, scores = a[keep], b[keep], _round_tenths(scores[keep])
                keep = scores >= min_score
                a, b, scores = a[keep], b[keep], scores[keep]
                keep = ~self._met_before(a, b, number)  # the fewest pairs last
                if keep.any():
                    yield a[keep], b[keep], scores[keep]

    def _numbered(self) -> Iterator[Ints]:
        """Every block's members; a person's slots record which blocks they are in."""
        filled = np.zeros(len(self.ids), dtype=np.int64)
        for number, members in enumerate(self.blocks.values()):
            array = np.asarray(members, dtype=np.int64)
            self.keys[array, filled[array]] = number
            filled[array] += 1
        for members in self.blocks.values():
            yield np.asarray(members, dtype=np.int64)

    def _windows(self, number: int, members: Ints) -> Iterator[tuple[Ints, int]]:
        """(window, first fresh place): pairs with both places before it were compared in
        the window before."""
        if len(members) < 2:
            return
        if len(members) <= MAX_BLOCK:
            yield members, 0
            return
        self.windowed += 1
        self.largest = max(self.largest, len(members))
        # Words sorted, so "Jansen Jan" sits by "Jan Jansen"; then the company, so
        # namesakes at one company sit together however common the name.
        words, orgs = self.sorted_names, self.companies
        order = members[
            sorted(range(len(members)), key=lambda i: (words[members[i]], orgs[members[i]]))
        ]
        slot = np.argmax(self.keys[order] == number, axis=1)
        self.halves[order, slot] = np.arange(len(order)) // _STEP
        self._count_common(order)
        for start in range(0, len(order) - _STEP, _STEP):
            yield order[start : start + MAX_BLOCK], 0 if start == 0 else _STEP

    def _met_before(self, a: Ints, b: Ints, number: int) -> npt.NDArray[np.bool_]:
        """Pairs that share an earlier block in which they were compared (so counted)."""
        met = np.zeros(len(a), dtype=np.bool_)
        keys_a, keys_b = self.keys[a], self.keys[b]
        halves_a, halves_b = self.halves[a], self.halves[b]
        for i in range(_SLOTS):
            earlier = (keys_a[:, i] >= 0) & (keys_a[:, i] < number)
            for j in range(_SLOTS):
                shared = earlier & (keys_a[:, i] == keys_b[:, j])
                # In a windowed block, only places at most one half-window apart met.
                near = (halves_a[:, i] < 0) | (np.abs(halves_a[:, i] - halves_b[:, j]) <= 1)
                met |= shared & near
        return met

    def _scores(self, window: Ints, rows: Ints, columns: Ints, names: Floats) -> Floats:
        """``pair_score``'s scores before rounding, for the pairs (``rows``, ``columns``) of
        places in ``window`` at once."""
        a, b = window[rows], window[columns]
        org = np.full(len(a), UNKNOWN_ORG)
        same = (self.domains[a] == self.domains[b]) & (self.domains[a] >= 0)
        org[same] = 100.0
        both = np.flatnonzero(~same & self.has_company[a] & self.has_company[b])
        if len(both):
            # The whole window's matrix: rapidfuzz compares one string with many ten
            # times faster than pair by pair (``cpdist``).
            companies = self.sorted_companies[window].tolist()
            matrix = process.cdist(companies, companies, scorer=fuzz.ratio, dtype=np.float64)
            org[both] = matrix[rows[both], columns[both]]
        score = NAME_WEIGHT * names + ORG_WEIGHT * org
        phone = (self.phones[a] == self.phones[b]) & (self.phones[a] != -1)
        score[phone] = np.minimum(100.0, score[phone] + PHONE_BONUS)
        return score

    def _count_common(self, order: Ints) -> None:
        """Remember runs of one name longer than half a window (not all of them meet)."""
        places = order.tolist()
        words = [self.sorted_names[i] for i in places]
        start = 0
        for end in range(1, len(words) + 1):
            if end == len(words) or words[end] != words[start]:
                if end - start > _STEP:
                    name = self.names[places[start]]
                    self.common[name] = max(self.common.get(name, 0), end - start)
                start = end

    def common_names(self) -> list[CommonName]:
        ranked = sorted(self.common.items(), key=lambda item: (-item[1], item[0]))
        return [CommonName(name, people) for name, people in ranked]


def _domain(person: Person, free_mail: frozenset[str]) -> str | None:
    """The domain as evidence of one company: none for a free-mail provider."""
    if person.domain and not is_free_mail(person.domain, free_mail):
        return person.domain
    return None


def _folded(
    seen: dict[str, tuple[str, str, str]], company: str | None
) -> tuple[str | None, str, str]:
    """(company, folded, its words sorted), one copy of each for a repeated company."""
    if not company:
        return company, "", ""
    if company not in seen:
        folded = fold(company)
        seen[company] = (company, folded, _sorted_words(folded))
    return seen[company]


def _hashes(values: list[str | None]) -> Ints:
    """A number per value, equal for equal values, -1 for none: compared as an array. (Two
    different phone numbers hashing alike, one chance in 2^64 per pair, would only add a
    pair to the count: listed pairs are scored again by ``pair_score``.)"""
    return np.array([hash(value) if value else -1 for value in values], dtype=np.int64)


def _round_tenths(score: Floats) -> Floats:
    """``round(score, 1)`` as Python rounds. numpy rounds ``score x 10``, which can land on
    a half that the exact decimal value is not on; quarters (most scores: whole-number
    similarities) are exact, and both round them half to even."""
    rounded = np.round(score, 1)
    tenths = score * 10.0
    quarters = score * 4.0
    halfway = np.flatnonzero(
        (np.abs(tenths - np.floor(tenths) - 0.5) < 1e-6) & (quarters != np.floor(quarters))
    )
    for k in halfway.tolist():
        rounded[k] = round(float(score[k]), 1)
    return rounded


def _keys(person: Person, free_mail: frozenset[str]) -> Iterator[str]:
    if person.domain and not is_free_mail(person.domain, free_mail):
        yield f"domain:{person.domain}"
    first, last = fold(person.first_name or ""), fold(person.last_name or "")
    if last:
        yield f"name:{last[:3]}:{first[:1]}"
    if first:
        yield f"name:{first[:3]}:{last[:1]}"
    if person.phone:  # the strongest evidence, however common the name
        yield f"phone:{person.phone}"


def _sorted_words(text: str) -> str:
    """``text``'s words in order: what token-sort ratio compares."""
    return " ".join(sorted(text.split()))


def _close_names(members: Ints, names: list[str], min_score: float) -> tuple[Ints, Ints, Floats]:
    """Place pairs (row < column) of ``members`` whose names alone can still reach
    ``min_score``, with their name scores (``names``: words sorted, ``_sorted_words``)."""
    floor = max(0.0, (min_score - ORG_WEIGHT * 100.0 - PHONE_BONUS) / NAME_WEIGHT)
    block = [names[index] for index in members.tolist()]
    scores = process.cdist(block, block, scorer=fuzz.ratio, score_cutoff=floor, dtype=np.float64)
    rows, columns = np.nonzero(np.triu(scores, k=1))
    return rows.astype(np.int64), columns.astype(np.int64), scores[rows, columns]

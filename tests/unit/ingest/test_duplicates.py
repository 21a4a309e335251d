"""Candidate duplicates: fuzzy name + organisation, blocked so it is not O(n²)."""

from __future__ import annotations

import random
import string

from leadflow.ingest import duplicates
from leadflow.ingest.duplicates import Person, candidate_duplicates, pair_score


def test_same_person_twice_at_one_company() -> None:
    people = [
        Person(1, "Jan", "Jansen", "jan@acme.nl", "Acme BV", "acme.nl"),
        Person(2, "Jan", "Janssen", "j.janssen@acme.nl", "Acme B.V.", "acme.nl"),
        Person(3, "Piet", "Pietersen", "piet@acme.nl", "Acme BV", "acme.nl"),
    ]
    [candidate] = candidate_duplicates(people, min_score=90)
    assert (candidate.first, candidate.second) == (1, 2)
    assert candidate.score >= 90
    assert "same domain acme.nl" in candidate.reasons


def test_swapped_names_and_accents_still_meet() -> None:
    people = [
        Person(10, "Müller", "Lukas", company="Maschinenbau Müller"),
        Person(11, "Lukas", "Muller", company="Maschinenbau Muller GmbH"),
    ]
    [candidate] = candidate_duplicates(people, min_score=85)
    assert (candidate.first, candidate.second) == (10, 11)


def test_a_common_name_without_organisation_evidence_stays_below_90() -> None:
    people = [Person(1, "Jan", "Jansen"), Person(2, "Jan", "Jansen")]
    assert candidate_duplicates(people, min_score=90) == []
    [candidate] = candidate_duplicates(people, min_score=85)
    assert candidate.score == 87.5  # 0.75 x 100 + 0.25 x 50 (no evidence either way)


def test_a_shared_phone_is_evidence() -> None:
    a = Person(1, "Jan", "Jansen", phone="+31201234567")
    b = Person(2, "Jan", "Jansen", phone="+31201234567")
    assert pair_score(a, b).score == 97.5
    assert "same phone" in pair_score(a, b).reasons


def test_free_mail_domain_is_no_evidence_of_one_company() -> None:
    a = Person(1, "Jan", "Jansen", domain="gmail.com")
    b = Person(2, "Jan", "Jansen", domain="gmail.com")
    assert pair_score(a, b).score == 87.5


def test_different_people_at_one_company_are_not_candidates() -> None:
    people = [Person(i, first, "Visser", domain="acme.nl")
              for i, first in enumerate(["Anna", "Bram", "Cees", "Daan"])]  # fmt: skip
    assert candidate_duplicates(people, min_score=90) == []


def test_contacts_without_names_are_skipped() -> None:
    assert candidate_duplicates([Person(1, email="a@x.nl"), Person(2, email="b@x.nl")]) == []


def test_people_in_different_blocks_are_never_compared() -> None:
    """Blocking: a name starting differently at another company is not compared at all."""
    compared: list[int] = []
    rng = random.Random(0)
    original = duplicates._close_names

    def spy(members: list[int], names: list[str], min_score: float):  # type: ignore[no-untyped-def]
        compared.append(len(members))
        return original(members, names, min_score)

    duplicates._close_names = spy  # type: ignore[assignment]
    try:
        people = [Person(i, *_random_name(rng), domain=f"c{i}.nl") for i in range(2000)]
        candidate_duplicates(people)
    finally:
        duplicates._close_names = original  # type: ignore[assignment]
    assert sum(n * n for n in compared) < 2000 * 2000 / 10


def test_a_huge_block_is_windowed() -> None:
    rng = random.Random(1)
    people = [Person(i, *_random_name(rng), domain="bigcorp.example") for i in range(3000)]
    twin = people[17]
    people.append(Person(9999, twin.first_name, f"{twin.last_name}s", domain="bigcorp.example"))
    found = candidate_duplicates(people, min_score=90)
    assert [(c.first, c.second) for c in found] == [(17, 9999)]


def _random_name(rng: random.Random) -> tuple[str, str]:
    def word() -> str:
        return "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 9))).title()

    return word(), word()


def _variants(
    rng: random.Random,
    count: int,
    domains: tuple[str | None, ...] = ("acme.nl", "bolt.de", "gmail.com", None),
) -> list[Person]:
    """People from a few names and companies, some written twice with a change: blocks
    overlap, scores vary (typos, swapped names, free mail, shared phones)."""
    firsts, lasts = ["Jan", "Anna", "Lukas", "Zoë"], ["Jansen", "Janssen", "Müller", "Visser"]
    companies = ["Acme BV", "Acme B.V.", "Bolt GmbH", "Delta AS", None]
    people = []
    for i in range(count):
        first, last = rng.choice(firsts), rng.choice(lasts)
        if rng.random() < 0.2:
            first, last = last, first
        if rng.random() < 0.2:
            last = last[:-1]
        phone = rng.choice(["+31201234567", "+4722334455", None, None])
        people.append(
            Person(i, first, last, None, rng.choice(companies), rng.choice(domains), phone)
        )
    return people


def test_every_pair_sharing_a_block_is_listed_once_as_pair_score_scores_it() -> None:
    """Blocks of at most MAX_BLOCK: the listing is exactly the pairs sharing a block key."""
    people = _variants(random.Random(3), 300)
    keys = {p.id: set(duplicates._keys(p, frozenset())) for p in people}
    expected = {
        (a.id, b.id): pair_score(a, b).score
        for a in people
        for b in people
        if a.id < b.id and keys[a.id] & keys[b.id] and pair_score(a, b).score >= 80
    }
    listing = duplicates.list_duplicates(people, min_score=80, limit=None)
    assert {(c.first, c.second): c.score for c in listing.candidates} == expected
    assert listing.total == len(expected) > 1000


def test_a_limited_listing_is_the_head_of_the_full_one() -> None:
    people = _variants(random.Random(4), 700, ("acme.nl",))  # one domain: windowed
    full = duplicates.list_duplicates(people, min_score=95, limit=None)
    top = duplicates.list_duplicates(people, min_score=95, limit=7)
    assert full.windowed_blocks > 0
    assert top.candidates == full.candidates[:7]
    assert top.total == full.total == len(full.candidates)


def test_namesakes_at_one_company_meet_however_common_the_name() -> None:
    """600 people called Jan Jansen at other companies: the two at Acme meet, though far
    apart in the input (the window is sorted by name, then organisation)."""
    rng = random.Random(5)
    people = [Person(i, "Jan", "Jansen", company=_random_name(rng)[0]) for i in range(600)]
    people[10] = Person(10, "Jan", "Jansen", company="Acme BV")
    people[590] = Person(590, "Jan", "Jansen", company="Acme BV")
    listing = duplicates.list_duplicates(people, min_score=99)
    assert [(c.first, c.second) for c in listing.candidates] == [(10, 590)]
    [common] = listing.common_names
    assert (common.name, common.people) == ("jan jansen", 600)


def test_pairs_held_are_the_limit_however_many_score() -> None:
    """1,000 namesakes at one domain: every pair that meets scores 100, and is counted once
    although it meets in two windowed blocks (the domain and the name); five are held."""
    people = [Person(i, "Jan", "Jansen", domain="acme.nl") for i in range(1000)]
    listing = duplicates.list_duplicates(people, min_score=90, limit=5)
    # Four half-windows of 250: pairs within one, and between neighbouring ones.
    assert listing.total == 4 * (250 * 249 // 2) + 3 * 250 * 250
    assert [(c.first, c.second, c.score) for c in listing.candidates] == [
        (0, 1, 100.0), (0, 2, 100.0), (0, 3, 100.0), (0, 4, 100.0), (0, 5, 100.0)
    ]  # fmt: skip
    assert (listing.windowed_blocks, listing.largest_block) == (2, 1000)


def test_a_swapped_name_meets_its_twin_in_windowed_blocks() -> None:
    """Jzzzz Jansen among 600 J-somebody Jansens and 600 Jzzzz Ja-somebodies: written the
    other way round, "Jansen Jzzzz" shares both blocks, and sorts at the other end of each
    (the windows follow the words of the name sorted, so the two meet)."""
    rng = random.Random(6)

    def some(prefix: str, letters: str) -> list[str]:
        made = {prefix + "".join(rng.choices(letters, k=5)) for _ in range(700)}
        return sorted(made)[:600]

    people = [
        Person(i, first, "Jansen") for i, first in enumerate(some("J", "abcdefghijklmnopqrst"))
    ]
    people += [Person(600 + i, "Jzzzz", last) for i, last in enumerate(some("Ja", "abcdefghijklm"))]
    people.append(Person(1200, "Jzzzz", "Jansen", company="Acme BV"))
    people.append(Person(1201, "Jansen", "Jzzzz", company="Acme BV"))
    listing = duplicates.list_duplicates(people, min_score=95)
    assert listing.windowed_blocks == 2
    assert [(c.first, c.second) for c in listing.candidates] == [(1200, 1201)]


def test_a_shared_phone_meets_however_common_the_name() -> None:
    """Among 600 Jan Jansens at other companies, the one without a company sorts first and
    the one with the same phone at Acme elsewhere: the same phone number is a block too."""
    rng = random.Random(7)
    people = [Person(i, "Jan", "Jansen", company=_random_name(rng)[0]) for i in range(600)]
    people[300] = Person(300, "Jan", "Jansen", company="Zz Acme", phone="+31201234567")
    people.append(Person(600, "Jan", "Jansen", phone="+31201234567"))
    listing = duplicates.list_duplicates(people, min_score=95)
    assert [(c.first, c.second, c.score) for c in listing.candidates] == [(300, 600, 97.5)]

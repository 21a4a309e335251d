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

"""Free mail: the definition's built-in list plus provider families under any country code."""

from __future__ import annotations

import pytest

from leadflow.ingest.freemail import is_free_mail


@pytest.mark.parametrize(
    "domain",
    ["gmail.com", "ziggo.nl", "online.no", "orange.fr", "web.de", "hotmail.com.br",
     "yahoo.co.jp", "gmx.at", "outlook.dk", "live.no"],
)  # fmt: skip
def test_free_mail(domain: str) -> None:
    assert is_free_mail(domain)


@pytest.mark.parametrize(
    "domain",
    ["acme.nl", "gmail-partners.com", "mail.acme.com", "outlook.acme.com", "live.example.org"],
)
def test_company_domains(domain: str) -> None:
    assert not is_free_mail(domain)


def test_a_definition_can_add_its_own() -> None:
    assert is_free_mail("acme-staff.example", frozenset({"acme-staff.example"}))


@pytest.mark.parametrize(
    "domain",
    ["student.uva.nl", "students.uu.nl", "stud.uni-heidelberg.de", "alumni.ox.ac.uk",
     "student.kuleuven.be", "etu.univ-lyon1.fr", "stud.ntnu.no", "alum.mit.edu",
     "studenti.unimi.it", "alumnos.upm.es", "edu.uni-graz.at", "etud.univ-paris8.fr",
     "student.tudelft.nl", "mail.student.hu.nl"],
)  # fmt: skip
def test_students_and_alumni_mailboxes_are_free_mail(domain: str) -> None:
    assert is_free_mail(domain)


@pytest.mark.parametrize(
    "domain",
    ["uva.nl", "ox.ac.uk", "uni-heidelberg.de", "mit.edu", "student.com", "alumni.co.uk",
     "studentfinance.nl", "students-united.example", "edu.nl", "stud.io"],
)  # fmt: skip
def test_a_university_and_companies_named_alike_keep_their_domain(domain: str) -> None:
    assert not is_free_mail(domain)

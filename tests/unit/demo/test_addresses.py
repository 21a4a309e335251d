"""Names, e-mail addresses and phone numbers look real and are valid."""

from __future__ import annotations

import phonenumbers
from email_validator import validate_email

from leadflow.demo.addresses import _phone
from leadflow.demo.catalog import COUNTRIES
from leadflow.demo.names import ascii_slug, family_name

from .conftest import WorldFiles


def test_every_country_draws_valid_mobile_numbers() -> None:
    for country in COUNTRIES:
        for pick in range(0, 10**6, 9_973):
            number = phonenumbers.parse(_phone(country.code, pick * 7919, pick))
            assert phonenumbers.is_valid_number(number), (country.code, number)
            assert phonenumbers.region_code_for_number(number) == country.code


def test_contacts_have_valid_unique_emails_and_e164_phones(small_world: WorldFiles) -> None:
    emails = [contact["email"] for contact in small_world.contacts]
    assert len(set(emails)) == len(emails)
    for contact in small_world.contacts:
        assert (
            validate_email(contact["email"], check_deliverability=False).normalized
            == contact["email"]
        )
        if contact["phone"]:
            number = phonenumbers.parse(contact["phone"])
            assert phonenumbers.is_valid_number(number)
            assert (
                phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                == contact["phone"]
            )
    assert sum(1 for contact in small_world.contacts if contact["phone"]) > len(emails) / 4


def test_students_and_free_mail_and_competitors_are_among_the_contacts(
    small_world: WorldFiles,
) -> None:
    seniority = {contact["seniority"] for contact in small_world.contacts}
    assert seniority == {"c_level", "vp", "director", "manager", "individual", "student"}
    domains = {contact["email"].rsplit("@", 1)[1] for contact in small_world.contacts}
    free_mail = {domain for country in COUNTRIES for domain in country.free_mail}
    assert domains & free_mail
    assert set(small_world.truth["generator"]["competitor_domains"]) & domains
    students = [c for c in small_world.contacts if c["seniority"] == "student"]
    assert students
    assert all(not c["account_id"] for c in students)


def test_names_fold_to_the_ascii_that_mail_servers_see() -> None:
    assert ascii_slug("Müller", german=True) == "mueller"
    assert ascii_slug("Lefèvre") == "lefevre"
    assert ascii_slug("Øystein") == "oystein"
    assert ascii_slug("Łukasz") == "lukasz"
    assert ascii_slug("van den Berg") == "vandenberg"
    assert ascii_slug("Schröder Digital", german=True, sep="-") == "schroeder-digital"


def test_polish_family_names_agree_with_the_person() -> None:
    assert family_name("PL", "Aleksandra", "Wiśniewski") == "Wiśniewska"
    assert family_name("PL", "Anna", "Jankowski") == "Jankowska"
    assert family_name("PL", "Julia", "Nowak") == "Nowak"  # not adjectival: one form
    assert family_name("PL", "Piotr", "Kowalski") == "Kowalski"
    assert family_name("DE", "Anna", "Kowalski") == "Kowalski"  # Polish grammar only

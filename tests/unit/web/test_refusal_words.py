"""Every refusal a page can show is read back by the web's phrasebook and said in each
language: the messages are taken from the source of the services and pages that raise
them, so a new or reworded refusal fails here until it has a phrase and translations."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import leadflow
from leadflow.ingest.normalise import normalise_email
from leadflow.services.definitions import NoActiveDefinitionError
from leadflow.web import i18n
from leadflow.web.phrases import speech
from leadflow.web.refusal_words import REFUSALS, refusal_text

SOURCE = Path(leadflow.__file__).parent
TRANSLATED = [language for language in i18n.LANGUAGES if language != i18n.DEFAULT_LANGUAGE]
# The services the pages call (and what they pass on as a refusal), and the pages.
MODULES = [
    *(
        SOURCE / "services" / f"{name}.py"
        for name in (
            "api_keys",
            "backtest",
            "bant",
            "cadence",
            "candidates",
            "definitions",
            "feedback",
            "lead_detail",
            "opportunities",
            "rep_scope",
            "reports",
            "sales_work",
            "users",
            "webhooks",
        )
    ),
    SOURCE / "definition" / "model_handoff.py",  # an unknown reject reason
    *sorted((SOURCE / "web" / "pages").glob("*.py")),
]
SAMPLE = "7"  # stands for every value a message interpolates (a number, a name, a code)


def _sample(node: ast.expr) -> str | None:
    """The message a raise's literal argument makes with every value replaced by SAMPLE."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if not isinstance(node, ast.JoinedStr):
        return None
    parts = []
    for part in node.values:
        if isinstance(part, ast.Constant):
            parts.append(str(part.value))
        else:
            assert isinstance(part, ast.FormattedValue)
            parts.append(repr(SAMPLE) if part.conversion == ord("r") else SAMPLE)
    return "".join(parts)


def _raised(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
            message = _sample(node.exc.args[0])
            if message is not None:
                yield message


def _email_refusals() -> Iterator[str]:
    for address in ("not an address", "a@example.com, b@example.com"):
        with pytest.raises(ValueError, match=r"^e-mail ") as raised:
            normalise_email(address)
        yield str(raised.value)


@pytest.fixture(scope="module")
def refusals() -> list[str]:
    found = [message for path in MODULES for message in _raised(path)]
    assert len(found) > 50  # the scan itself works
    # The error page says why a workspace without a definition cannot show a page.
    return [*found, *_email_refusals(), str(NoActiveDefinitionError())]


def test_every_refusal_is_read_and_every_phrase_is_one_the_code_raises(
    refusals: list[str],
) -> None:
    unread = [message for message in refusals if REFUSALS.read(message) is None]
    assert unread == []
    used = {found[0].message for message in refusals if (found := REFUSALS.read(message))}
    assert set(REFUSALS.messages) - used == set()


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_refusal_is_said_in_the_language(language: str, refusals: list[str]) -> None:
    for message in refusals:
        assert refusal_text(message, speech(language)) != message


@pytest.mark.parametrize(
    ("language", "message", "expected"),
    [
        (
            "de",
            "reject reason 'other' needs a note saying why",
            "der Ablehnungsgrund 'anderes (Grund in der Notiz)' braucht eine Notiz mit der "
            "Begründung",
        ),
        (  # the reason the rep chose, as the reason menu names it, not its code
            "en",
            "reject reason 'other' needs a note saying why",
            "reject reason 'other (say why in the note)' needs a note saying why",
        ),
        (  # a team's own reason has no label: its code, as the menu shows it
            "de",
            "reject reason 'partner_deal' needs a note saying why",
            "der Ablehnungsgrund 'partner_deal' braucht eine Notiz mit der Begründung",
        ),
        (  # the consent's channel in words, as the lead page names it
            "de",
            "contact 12 withdrew phone consent (or the address bounced): no call attempts",
            "Kontakt 12 hat die Einwilligung für Telefon widerrufen (oder die Adresse ist "
            "unzustellbar): keine Versuche per Anruf",
        ),
        (  # how the hand-off ended, in words, not the stored code
            "de",
            "contact 26's last hand-off ended already (rejected): it is not in sales' hands",
            "Die letzte Übergabe von Kontakt 26 ist bereits beendet (abgelehnt): er liegt "
            "nicht beim Vertrieb",
        ),
        (
            "fr",
            "contact 26's last hand-off ended already (cadence_ended): it is not in sales' hands",
            "la dernière transmission du contact 26 est déjà terminée (cadence terminée) : il "
            "n'est pas entre les mains des ventes",
        ),
        (
            "nl",
            "contact 12's hand-off was accepted already; close the lead instead (leadflow close)",
            "de overdracht van contact 12 was al geaccepteerd; sluit de lead in plaats daarvan af",
        ),
        (
            "fr",
            "'2026-13-01' is not a date (YYYY-MM-DD)",
            "'2026-13-01' n'est pas une date (AAAA-MM-JJ)",
        ),
        ("nb", "no contact with id 99", "ingen kontakt med ID 99"),
    ],
)
def test_a_refusal_keeps_the_values_it_names(language: str, message: str, expected: str) -> None:
    assert refusal_text(message, speech(language)) == expected

"""Reading an English sentence back by its shape and saying it in another language."""

from __future__ import annotations

import gettext

import pytest

from leadflow.web.phrases import NUMBER, QUOTED, Kind, Phrase, Phrasebook, Speech, label_of

GERMAN = {
    "fit %(score)s (grade %(grade)s)": "Fit %(score)s (Fit-Note %(grade)s)",
    "rule %(name)s moved from %(old)s to %(new)s": "Regel %(name)s von %(old)s nach %(new)s",
    "%(points)s for %(event)s": "%(points)s für %(event)s",
    "page view": "Seitenaufruf",
}


class _Catalog(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return GERMAN.get(message, message)


def german(stages: dict[str, str] | None = None) -> Speech:
    return Speech("de", _Catalog().gettext, stages or {})


def test_a_sentence_is_read_into_its_parameters_and_said_with_them() -> None:
    phrase = Phrase("fit %(score)s (grade %(grade)s)", score=NUMBER)

    assert phrase.read("fit 75 (grade A)") == {"score": "75", "grade": "A"}
    assert phrase.read("fit 75 (grade A) and more") is None
    assert phrase.say({"score": "12.5", "grade": "B"}, german()) == "Fit 12,5 (Fit-Note B)"


def test_numbers_keep_the_codes_digits_and_sign_in_the_languages_symbols() -> None:
    phrase = Phrase("%(points)s for %(event)s", points=NUMBER, event=label_of("event"))
    book = Phrasebook(phrase)

    assert book.say("+12.50 for page_view", german()) == "+12,50 für Seitenaufruf"
    assert book.say("-3.000 for custom_thing", german()) == "−3,000 für custom_thing"
    assert book.say("+5e+06 for page_view", german()) == "+5e+06 für Seitenaufruf"


def test_a_value_written_twice_must_repeat() -> None:
    phrase = Phrase("rule %(name)s moved from %(old)s to %(name)s")

    assert phrase.read("rule a moved from x to a") == {"name": "a", "old": "x"}
    assert phrase.read("rule a moved from x to b") is None


def test_the_first_phrase_that_reads_wins_and_an_unread_sentence_stays_english() -> None:
    book = Phrasebook(
        Phrase("rule %(name)s moved from %(old)s to %(new)s", name=QUOTED),
        Phrase("fit %(score)s (grade %(grade)s)", score=NUMBER),
    )

    said = book.say("rule 'a: b' moved from 1 to 2", german())
    assert said == "Regel 'a: b' von 1 nach 2"
    assert book.say("something the code says now", german()) == "something the code says now"
    assert book.say("fit many (grade A)", german()) == "fit many (grade A)"  # not a number


def test_english_keeps_the_numbers_as_written_and_says_codes_by_their_labels() -> None:
    book = Phrasebook(
        Phrase("fit %(score)s (grade %(grade)s)", score=NUMBER),
        Phrase("%(points)s for %(event)s", points=NUMBER, event=label_of("event")),
    )
    english = Speech("en", gettext.NullTranslations().gettext)

    assert book.say("fit 12.5 (grade B)", english) == "fit 12.5 (grade B)"
    assert book.say("+12.50 for form_submit", english) == "+12.50 for form sent"
    assert book.say("+1.00 for custom_thing", english) == "+1.00 for custom_thing"


def test_a_kind_can_show_a_stage_by_its_name() -> None:
    stage = Kind(r"\w+", lambda value, speech: speech.stages.get(value, value))
    book = Phrasebook(Phrase("rule %(name)s moved from %(old)s to %(new)s", old=stage, new=stage))

    said = book.say("rule x moved from mql to sql", german({"mql": "MQL (de)"}))
    assert said == "Regel x von MQL (de) nach sql"


def test_a_kind_for_a_placeholder_the_message_lacks_is_a_mistake() -> None:
    with pytest.raises(ValueError, match="no placeholder"):
        Phrase("fit %(score)s", grade=NUMBER)

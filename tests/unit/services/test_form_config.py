"""forms.yaml's form ids: part of a URL, so ASCII, and the refusal says so."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from leadflow.services.form_config import FormsConfig, FormSpec


def test_a_form_id_with_a_non_ascii_letter_is_refused_saying_ascii() -> None:
    with pytest.raises(ValidationError) as refused:
        FormsConfig(forms={"prøv-gratis": FormSpec(fields={"epost": "email"})})

    message = str(refused.value)
    assert "'prøv-gratis'" in message
    assert "ASCII letters" in message
    assert "/forms/ID" in message


def test_an_ascii_form_id_is_accepted() -> None:
    config = FormsConfig(forms={"prov-gratis_2": FormSpec(fields={"epost": "email"})})

    assert list(config.forms) == ["prov-gratis_2"]

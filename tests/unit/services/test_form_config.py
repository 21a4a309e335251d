"""forms.yaml: form ids are part of a URL, so ASCII; a refusal names the line."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from leadflow.services.form_config import FormsConfig, FormSpec, load_forms
from leadflow.services.refusals import InvalidInputError


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


def _refusal(tmp_path: Path, text: str) -> str:
    (tmp_path / "forms.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInputError) as refused:
        load_forms(tmp_path)
    return str(refused.value)


def test_a_forms_file_that_is_not_yaml_names_the_line(tmp_path: Path) -> None:
    # It said "forms.yaml: cannot read: while parsing a flow node", and no line, where a
    # definition's error says FILE:LINE.
    said = _refusal(tmp_path, "forms:\n  demo:\n    fields: [email\n    double_opt_in: true\n")

    assert said.startswith(f"{tmp_path / 'forms.yaml'}:4: not valid YAML: ")
    assert "\n" not in said


def test_a_forms_file_with_a_wrong_key_names_its_line(tmp_path: Path) -> None:
    said = _refusal(
        tmp_path, "forms:\n  demo:\n    fields: {mail: email}\n  trial:\n    feilds: {e: email}\n"
    )

    assert said.startswith(f"{tmp_path / 'forms.yaml'}:5: forms.trial.feilds: ")

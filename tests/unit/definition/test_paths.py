"""The fact-path catalogue agrees with the model's list of paths."""

from __future__ import annotations

import pytest

from leadflow.definition.model import DERIVED_PATHS
from leadflow.definition.paths import ORDERED_PATHS, ValueKind, resolve_path


@pytest.mark.parametrize("path", sorted(DERIVED_PATHS))
def test_every_derived_path_has_a_kind(path: str) -> None:
    fact = resolve_path(path, attributes_only=False)
    assert fact.path == path
    assert fact.kind is not ValueKind.ANY


@pytest.mark.parametrize("path", sorted(DERIVED_PATHS))
def test_derived_paths_are_refused_for_attribute_rules(path: str) -> None:
    with pytest.raises(ValueError, match="computed by qualification"):
        resolve_path(path, attributes_only=True)


def test_ordered_paths_are_derived_paths() -> None:
    assert set(ORDERED_PATHS) <= DERIVED_PATHS


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("contact.title", ValueKind.ANY),
        ("account.employees", ValueKind.ANY),
        ("contact.free_mail", ValueKind.BOOL),
        ("contact.email_domain", ValueKind.TEXT),
        ("source.purchased", ValueKind.BOOL),
        ("source.channel", ValueKind.TEXT),
        ("consent.phone", ValueKind.CHOICE),
    ],
)
def test_attribute_paths(path: str, kind: ValueKind) -> None:
    assert resolve_path(path, attributes_only=True).kind is kind


def test_consent_states() -> None:
    assert resolve_path("consent.email", attributes_only=True).values == (
        "granted",
        "confirmed",
        "withdrawn",
        "bounced",
    )


def test_a_non_ascii_attribute_name_is_refused_with_the_key_imports_store() -> None:
    # An import stores a column "Größe" as grosse; "letters, _" read as if ö were none.
    with pytest.raises(ValueError, match="ASCII") as refused:
        resolve_path("account.größe", attributes_only=True)
    assert str(refused.value) == (
        "'account.größe': an attribute name is ASCII letters, digits and _ (an import"
        " stores a column größe as grosse); write 'account.grosse'"
    )

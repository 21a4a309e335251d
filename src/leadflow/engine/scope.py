"""What a condition can see while one person is qualified: the Scope and its fact paths.

A ``Scope`` holds the facts, the person's activity (which event questions hold) and the
values qualification has computed so far (fit, engagement, BANT, lead type ...). Rules
reach facts through *paths* (model.py lists them); ``path_reader`` turns a path into a
small function once, when the definition is compiled, so nothing is parsed per person.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping
from datetime import datetime

from leadflow.domain.facts import Facts, Opportunity

__all__ = ["DERIVED_CONTACT_KEYS", "PathReader", "Scope", "email_domain", "path_reader"]

PathReader = Callable[["Scope"], object]

_SOURCE_KEYS = frozenset({"channel", "purchased", "campaign", "medium", "vendor"})


_UNSET = object()


class Scope:
    """One qualification in progress. Mutable on purpose: values are filled step by step.

    ``held`` names the slots whose question about events is answered yes
    (``Activity.held``); a scope built without events passes an empty container.
    ``contact`` and ``account`` are the facts' attribute mappings, kept at hand because
    most fit rules read one of them.
    """

    __slots__ = (
        "_domain",
        "account",
        "contact",
        "facts",
        "free_mail_domains",
        "held",
        "now",
        "values",
    )

    def __init__(
        self,
        facts: Facts,
        now: datetime,
        held: Container[int],
        free_mail_domains: frozenset[str],
    ) -> None:
        self.facts = facts
        self.now = now
        self.held = held
        self.free_mail_domains = free_mail_domains
        self.contact = facts.contact
        self.account = facts.account
        self.values: dict[str, object] = {}
        self._domain: object = _UNSET

    @property
    def email_domain(self) -> str | None:
        """The contact's e-mail domain, worked out once (fit and BANT rules both ask)."""
        if self._domain is _UNSET:
            self._domain = email_domain(self.facts)
        return self._domain  # type: ignore[return-value]  # set just above to str | None


def email_domain(facts: Facts) -> str | None:
    email = facts.contact.get("email")
    if not isinstance(email, str) or "@" not in email:
        return None
    return email.rsplit("@", 1)[1].strip().lower() or None


def path_reader(path: str) -> PathReader:
    """The function reading ``path`` from a scope; a missing fact reads as None."""
    namespace, _, rest = path.partition(".")
    if namespace in ("contact", "account", "consent") and rest:
        return _attribute_reader(namespace, rest)
    if namespace == "source" and rest in _SOURCE_KEYS:
        return lambda scope: getattr(scope.facts.source, rest)
    special = _FACT_PATHS.get(path)
    if special is not None:
        return special
    # Computed paths (fit.score, temperature, sales_ready ...) are filled into values.
    return lambda scope: scope.values.get(path)


def _attribute_reader(namespace: str, rest: str) -> PathReader:
    mapping_of = _MAPPINGS[namespace]
    derived = _DERIVED_CONTACT.get(rest) if namespace == "contact" else None
    if derived is not None:

        def read_or_derive(scope: Scope) -> object:
            value = mapping_of(scope).get(rest)
            return derived(scope) if value is None else value

        return read_or_derive
    if "." not in rest:  # plain attributes, the commonest paths: one call each
        if namespace == "contact":
            return lambda scope: scope.contact.get(rest)
        if namespace == "account":
            return lambda scope: scope.account.get(rest)
        return lambda scope: mapping_of(scope).get(rest)
    keys = tuple(rest.split("."))
    return lambda scope: _dig(mapping_of(scope), keys)


_MAPPINGS: dict[str, Callable[[Scope], Mapping[str, object]]] = {
    "contact": lambda scope: scope.contact,
    "account": lambda scope: scope.account,
    "consent": lambda scope: scope.facts.consent,
}


def _dig(mapping: Mapping[str, object], keys: tuple[str, ...]) -> object:
    """``contact.address.country``: a nested mapping, or a flat key with a dot in it."""
    value: object = mapping
    for key in keys:
        if not isinstance(value, Mapping):
            value = None
            break
        value = value.get(key)
    return mapping.get(".".join(keys)) if value is None else value


def _free_mail(scope: Scope) -> bool | None:
    domain = scope.email_domain
    return None if domain is None else domain in scope.free_mail_domains


_DERIVED_CONTACT: dict[str, PathReader] = {
    "email_domain": lambda scope: scope.email_domain,
    "free_mail": _free_mail,
}


def _conversations(scope: Scope) -> int:
    """Conversations logged up to ``now``; later ones have not happened yet."""
    return sum(1 for talk in scope.facts.sales.conversations if talk.at <= scope.now)


def _opportunity(scope: Scope) -> Opportunity | None:
    """The opportunity as it stood at ``now``: not yet created, or not yet closed."""
    opportunity = scope.facts.sales.opportunity
    if opportunity is None:
        return None
    if opportunity.created_at is not None and opportunity.created_at > scope.now:
        return None
    return opportunity


def _opportunity_status(scope: Scope) -> str | None:
    opportunity = _opportunity(scope)
    if opportunity is None:
        return None
    closed = opportunity.closed_at
    if closed is not None and closed > scope.now and opportunity.status != "open":
        return "open"
    return opportunity.status


def _opportunity_amount(scope: Scope) -> float | None:
    opportunity = _opportunity(scope)
    return None if opportunity is None else opportunity.amount


DERIVED_CONTACT_KEYS = frozenset(_DERIVED_CONTACT)

_FACT_PATHS: dict[str, PathReader] = {
    "identity": lambda scope: scope.facts.identity,
    "sales.accepted": lambda scope: scope.facts.sales.accepted,
    "sales.conversations": _conversations,
    "opportunity.status": _opportunity_status,
    "opportunity.amount": _opportunity_amount,
    "prediction": lambda scope: scope.facts.prediction,
}

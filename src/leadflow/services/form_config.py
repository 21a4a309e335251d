"""Web forms a workspace accepts, from ``<workspace>/forms.yaml``.

The definition schema belongs to the definition (what a stage *means*); which HTML
fields a website posts is deployment detail that changes with the website, so forms
live in their own file next to it. Example:

    forms:
      contact-sales:
        event: demo_request             # event recorded (default form_submit)
        thank_you_url: https://example.com/thanks
        fields:                         # posted field -> contact attribute
          email: email
          first: first_name
          company: company
          team_size: attributes.team_size
        honeypot: website               # must stay empty; a bot fills it in
        double_opt_in: true             # send a confirmation link before "confirmed"
        confirmed_url: https://example.com/confirmed
        error_url: https://example.com/try-again   # a refused browser post goes here

The optional ``tracking`` section lets the website's pages report anonymous page views
through leadflow's snippet (``/t.js``, api/routers/tracking.py) and post forms from
JavaScript (CORS); only the listed origins may:

    tracking:
      origins: [https://www.example.com, https://example.com]
      events: [page_view, video_play]   # what the snippet may send (default page_view)
      require_consent: true             # wait for leadflow.consent(true) (the default)
      cookie_days: 395                  # how long the visitor cookie lives (13 months)

Targets are contact attributes: ``email`` (required in every form), ``first_name``,
``last_name``, ``phone``, ``title``, ``seniority``, ``department``, ``country``,
``company``, or ``attributes.<name>`` for anything else; the company's ``account.name``,
``account.industry``, ``account.employees``, ``account.revenue`` and ``account.country``
go to the account of the e-mail's domain (form_accounts.py). Posted fields that are not
mapped are dropped: leadflow keeps only what the form's owner decided to keep.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, ValidationError, field_validator

from leadflow.ingest.landing import origin_of
from leadflow.services.form_accounts import ACCOUNT_TARGETS
from leadflow.services.refusals import InvalidInputError

__all__ = [
    "CONTACT_TARGETS",
    "DEFAULT_FORM_EVENT",
    "FORMS_FILE",
    "FormSpec",
    "FormsConfig",
    "TrackingSpec",
    "load_forms",
]

FORMS_FILE = "forms.yaml"
DEFAULT_FORM_EVENT = "form_submit"

CONTACT_TARGETS: frozenset[str] = frozenset(
    {
        "email",
        "first_name",
        "last_name",
        "phone",
        "title",
        "seniority",
        "department",
        "country",
        "company",
    }
)
_ATTRIBUTE = re.compile(r"attributes\.[a-z][a-z0-9_]{0,62}")
_FORM_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")

FieldName = Annotated[str, Field(min_length=1, max_length=100)]


class FormSpec(BaseModel):
    """One form: what it records and where the browser goes afterwards."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event: str = Field(default=DEFAULT_FORM_EVENT, pattern=r"^[a-z][a-z0-9_]{0,99}$")
    thank_you_url: AnyHttpUrl | None = Field(
        default=None, description="Where a browser post is redirected (303); none: 204."
    )
    fields: dict[FieldName, str] = Field(
        default_factory=lambda: {"email": "email"},
        description="Posted field name -> contact attribute.",
    )
    honeypot: str | None = Field(default="website", description="A field humans leave empty.")
    double_opt_in: bool = False
    confirmed_url: AnyHttpUrl | None = Field(
        default=None, description="Where the confirmation link sends the browser."
    )
    confirm_within_days: float = Field(default=7.0, gt=0, le=365)
    error_url: AnyHttpUrl | None = Field(
        default=None,
        description="Where a browser post that is refused is redirected (303), with"
        " ?reason=...&field=...; none: a short page saying why.",
    )

    @field_validator("fields")
    @classmethod
    def _targets_known(cls, value: dict[str, str]) -> dict[str, str]:
        for posted, target in value.items():
            known = CONTACT_TARGETS | ACCOUNT_TARGETS
            if target not in known and not _ATTRIBUTE.fullmatch(target):
                raise ValueError(
                    f"field {posted!r} maps to {target!r}: not a contact or account"
                    f" attribute ({', '.join(sorted(known))} or attributes.<name>)"
                )
        if "email" not in value.values():
            raise ValueError("one field must map to email")
        return value

    def field_for(self, target: str) -> str | None:
        """The posted field that fills ``target``."""
        for posted, mapped in self.fields.items():
            if mapped == target:
                return posted
        return None


EventType = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,99}$")]


class TrackingSpec(BaseModel):
    """Which sites may send page views and post forms from JavaScript, and how."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    origins: tuple[str, ...] = Field(
        min_length=1, description="The sites' origins: scheme, host and port, no path."
    )
    events: tuple[EventType, ...] = Field(default=("page_view",), min_length=1)
    require_consent: bool = Field(
        default=True, description="Send nothing until the page calls leadflow.consent(true)."
    )
    cookie_days: int = Field(default=395, ge=1, le=395)

    @field_validator("origins", mode="before")
    @classmethod
    def _origins(cls, value: Any) -> Any:
        if not isinstance(value, list | tuple):
            return value
        cleaned = []
        for written in value:
            text = str(written).strip().removesuffix("/")
            origin = origin_of(text)
            if origin is None or "@" in text or text.count("/") != 2 or "?" in text:
                raise ValueError(
                    f"origin {written!r}: write scheme and host (and a port), "
                    "e.g. https://www.example.com"
                )
            cleaned.append(origin)  # as a browser writes it: no default port
        return tuple(cleaned)


class FormsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    forms: dict[str, FormSpec] = Field(default_factory=dict)
    tracking: TrackingSpec | None = None

    @field_validator("forms")
    @classmethod
    def _ids(cls, value: dict[str, FormSpec]) -> dict[str, FormSpec]:
        for form_id in value:
            if not _FORM_ID.fullmatch(form_id):
                raise ValueError(
                    f"form id {form_id!r}: it is part of the form's address (/forms/ID), so"
                    " 1-100 ASCII letters (a-z, A-Z), digits, '-' and '_', starting with a"
                    " letter or digit"
                )
        return value


def load_forms(workspace: Path) -> FormsConfig:
    """The workspace's forms; none without ``forms.yaml``; a bad file: one-line error."""
    path = workspace / FORMS_FILE
    if not path.is_file():
        return FormsConfig()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInputError(f"{path}: cannot read: {error}".splitlines()[0]) from None
    try:
        data: Any = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise InvalidInputError(f"{path}{line}: not valid YAML: {problem}") from None
    try:
        return FormsConfig.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        line = _line_of(text, first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        raise InvalidInputError(f"{path}{line}: {where}: {message}") from None


def _line_of(text: str, loc: tuple[int | str, ...]) -> str:
    """``:LINE`` of the deepest key of ``loc`` the file holds (a person edits the file by
    its lines), or nothing when not even the first is there."""
    node: yaml.Node | None = yaml.compose(text)
    line = ""
    for part in loc:
        if not isinstance(node, yaml.MappingNode):
            break
        found = [(key, value) for key, value in node.value if key.value == str(part)]
        if not found:
            break
        key, node = found[0]
        line = f":{key.start_mark.line + 1}"
    return line

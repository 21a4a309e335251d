"""Templates: one Jinja2 environment with autoescaping on for every template, and
``render`` which gives each page what every page needs.

Autoescaping is not chosen by file extension: it is on for everything, so a name, a
note or an event property shows as text wherever it is printed. Nothing in the
templates marks a value ``|safe``; the SVG charts are built from numbers and
escaped labels.

Translations reach a template through its context, not through the environment's
globals (one environment serves every request, in any language, from many threads):
``_()`` and ``ngettext()`` read the request's catalog from the context. They are the
i18n extension's "new style" functions, so ``_("Hello %(name)s", name=x)`` escapes
``x`` and not the (trusted) translation.

Text the rest of leadflow writes in English (explanations, definition problems,
refusals, report notes) is said in the request's language by ``said``:
``{{ line | said("explanation") }}`` (see ``phrases``); the stage names it uses are the
page's ``names`` when it has them.
"""

from __future__ import annotations

import gettext
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import phonenumbers
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from starlette.requests import Request
from starlette.responses import HTMLResponse

from leadflow.definition.diff import Change
from leadflow.domain.qualification import Contribution
from leadflow.web import i18n
from leadflow.web.consent_words import consent_evidence
from leadflow.web.definition_words import change_text, problem_text, warning_text
from leadflow.web.explanation_words import (
    explanation_line,
    handoff_reason,
    move_reason,
    sales_ready_reason,
)
from leadflow.web.guard import ANONYMOUS_CSRF_COOKIE, set_cookie
from leadflow.web.labels import LABELS
from leadflow.web.phrases import Speech
from leadflow.web.refusal_words import refusal_text
from leadflow.web.report_words import report_cell, report_note, report_title

__all__ = ["SAYINGS", "TEMPLATE_DIR", "build_environment", "render"]

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

# What ``said`` can say: each kind of generated English text and who translates it.
SAYINGS: Mapping[str, Callable[[str, Speech], str]] = {
    "explanation": explanation_line,
    "sales_ready": sales_ready_reason,
    "move": move_reason,
    "handoff_reason": handoff_reason,
    "problem": problem_text,
    "warning": warning_text,
    "refusal": refusal_text,
    "consent_evidence": consent_evidence,
    "note": report_note,
    "title": report_title,
}


def build_environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True
    )
    environment.filters.update(
        instant=_instant,
        number=_number,
        value=_value,
        reading=_reading,
        share=_share,
        signed=_signed,
        days=_days,
        said=_said,
        attribute=_attribute,
        phone=_phone,
    )
    environment.globals.update(
        label=_label, role_name=_role_name, change_line=_change, report_cell=_report_cell
    )
    return environment


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render a page with the request's language, viewer, CSRF token and URL helpers."""
    environment: Environment = request.app.state.web.templates
    language: str = request.state.language
    page = environment.get_template(template).render(
        {
            "request": request,
            "lang": language,
            "catalog": i18n.translations(language),
            "languages": i18n.LANGUAGE_NAMES,
            "viewer": getattr(request.state, "viewer", None),
            "csrf": request.state.csrf,
            "ui": request.app.state.web.prefix,
            "htmx": request.headers.get("HX-Request") == "true",
            "zone": getattr(request.state, "zone", UTC),
            **context,
        }
    )
    response = HTMLResponse(page, status_code=status_code, headers=dict(headers or {}))
    fresh = getattr(request.state, "new_anonymous_csrf", None)
    if fresh:
        set_cookie(response, request, ANONYMOUS_CSRF_COOKIE, fresh)
    return response


def _catalog(context: Context) -> gettext.NullTranslations:
    catalog: gettext.NullTranslations = context["catalog"]
    return catalog


@pass_context
def _gettext(context: Context, message: str) -> str:
    return _catalog(context).gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, count: int) -> str:
    return _catalog(context).ngettext(singular, plural, count)


@pass_context
def _label(context: Context, kind: str, code: str | None) -> str:
    """The translated word for a code (``label("temperature", "hot")``), else the code."""
    if code is None:
        return "–"
    message = LABELS.get(kind, {}).get(str(code))
    return code if message is None else _catalog(context).gettext(message)


@pass_context
def _role_name(context: Context, role: str) -> str:
    return str(_label(context, "role", role))


@pass_context
def _instant(context: Context, moment: datetime | None) -> str:
    return i18n.format_instant(moment, context["lang"], context.get("zone", UTC))


@pass_context
def _number(context: Context, value: float | None, digits: int = 0) -> str:
    return i18n.format_number(value, context["lang"], digits)


@pass_context
def _attribute(context: Context, value: object) -> str:
    """A contact's or account's own attribute (a CRM's custom field, a fact leadflow
    keeps): yes/no, a moment in the reader's zone, a number their way, else as written."""
    if isinstance(value, bool):
        return _gettext(context, "yes" if value else "no")
    if isinstance(value, str):
        moment = i18n.iso_moment(value)
        return value if moment is None else _instant(context, moment)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return i18n.format_value(value, context["lang"])


def _phone(number: str | None) -> str:
    """An E.164 number grouped as dialled abroad (+45 21 49 50 48); as stored when the
    library cannot read it."""
    if not number:
        return "–"
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


@pass_context
def _value(context: Context, value: object) -> str:
    return i18n.format_value(value, context["lang"])


@pass_context
def _reading(context: Context, point: Contribution) -> str:
    """What a fit point read: ``path = value``, each path of a rule over several
    (``account.country = NL, contact.country = –``), numbers in the reader's way."""
    language = context["lang"]
    value = point.value
    if isinstance(value, Mapping):
        return ", ".join(
            f"{path} = {'–' if each is None else i18n.format_value(each, language)}"
            for path, each in value.items()
        )
    if value is None:
        return point.field or ""
    return f"{point.field or ''} = {i18n.format_value(value, language)}"


@pass_context
def _share(context: Context, value: float | None) -> str:
    return i18n.format_share(value, context["lang"])


@pass_context
def _signed(context: Context, value: float) -> str:
    """Points with their sign: +12.50, −3.00."""
    text = i18n.format_number(abs(value), context["lang"], 2)
    return ("+" if value >= 0 else "−") + text


@pass_context
def _days(context: Context, value: float | None) -> str:
    return i18n.format_number(value, context["lang"], 1)


def _speech(context: Context) -> Speech:
    names: Mapping[str, str] = context.get("names") or {}
    reps: Mapping[str, str] = context.get("rep_names") or {}  # the queue names reps so
    return Speech(context["lang"], _catalog(context).gettext, names, context.get("zone", UTC), reps)


@pass_context
def _said(context: Context, text: str | None, what: str) -> str:
    """Generated English text (``what``: a key of ``SAYINGS``) in the page's language."""
    if text is None:
        return ""
    return SAYINGS[what](str(text), _speech(context))


@pass_context
def _change(context: Context, change: Change) -> str:
    return change_text(change, _speech(context))


@pass_context
def _report_cell(context: Context, column: str, value: str) -> str:
    return report_cell(column, value, _speech(context))

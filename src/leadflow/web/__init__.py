"""leadflow.web: the server-rendered application for marketing and sales, under /ui.

    install     install_web(app, state): mount the pages on the API's app
    state       WebState: the API's state plus the templates
    guard       PageGate: sessions, roles and CSRF for every page
    deps        typed dependencies of the pages (sessions, clock, viewer)
    rendering   the Jinja2 environment (autoescape on everywhere) and render()
    i18n        gettext catalogs (locale/*.po), language choice, formatting
    labels      translated words for leadflow's codes; stage labels per language
    phrases     generated English read back by its shape and said in the language;
                the phrasebooks: explanation_words, definition_words, refusal_words,
                report_words (see docs/web.md, "Text the rest of leadflow writes")
    charts      geometry of the inline SVG charts
    pages/      one router per section (sign-in, dashboard, leads, lead, queue,
                definition, reports, settings)
    templates/  Jinja2 templates;  static/  CSS and the vendored htmx

The pages are thin: they parse a form or a query, call services, render a template.
"""

from __future__ import annotations

from leadflow.web.install import install_web

__all__ = ["install_web"]

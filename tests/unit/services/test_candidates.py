"""A candidate definition sent over the API or the web page: its YAML syntax errors."""

from __future__ import annotations

from leadflow.services.candidates import CANDIDATE_SOURCE, check_candidate


def test_an_unclosed_quote_is_named_at_the_line_it_opens() -> None:
    # PyYAML stops at the end of the text; the web page and POST /definition/validate
    # pointed the team at the last line, as the command line did.
    text = 'schema_version: 1\nname: "acme\nversion: 1\nstages: []\n\n\n'

    (problem,) = check_candidate(text).errors

    assert (problem.source, problem.line) == (CANDIDATE_SOURCE, 2)
    assert problem.message == "YAML syntax: found unexpected end of stream"


def test_a_key_without_its_colon_is_named_at_its_own_line() -> None:
    text = "schema_version: 1\nname acme\nversion: '1'\n"

    (problem,) = check_candidate(text).errors

    assert problem.line == 2
    assert problem.message == "YAML syntax: could not find expected ':'"

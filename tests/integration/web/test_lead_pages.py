"""The leads list and the lead page: filters, the explanation, BANT stated by sales."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from tests.integration.web.conftest import csrf_of
from tests.integration.web.world import World


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.leads: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href") or ""
        found = re.fullmatch(r"/ui/leads/(\d+)", href)
        if tag == "a" and found:
            self.leads.append(int(found[1]))


def _listed(html: str) -> list[int]:
    parser = _Links()
    parser.feed(html)
    return parser.leads


def test_the_list_filters_by_stage_and_finds_by_address(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    client = signed_in("marketing")

    every = _listed(client.get("/ui/leads").text)
    assert set(every) == {*world.ready, *world.nurtured, world.hostile}
    handed = _listed(client.get("/ui/leads?stage=sql&sort=contact&dir=asc").text)
    assert handed == sorted(world.ready)  # the sales-ready ones are prospects (SQL)
    assert _listed(client.get("/ui/leads?q=lead3@").text) == [world.ready[2]]
    assert _listed(client.get("/ui/leads?temperature=hot").text) == []
    assert "No leads match these filters." in client.get("/ui/leads?temperature=hot").text


def test_the_source_filter_takes_the_channel_as_the_list_shows_it(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    client = signed_in("marketing")
    by_code = _listed(client.get("/ui/leads?source=organic_search").text)

    assert by_code  # the world's even-numbered leads
    assert _listed(client.get("/ui/leads?source=Organic+Search").text) == by_code
    client.headers["Accept-Language"] = "de"
    page = client.get("/ui/leads?source=organische+Suche").text
    assert _listed(page) == by_code
    assert '<option value="organische Suche">' in page  # the suggestions are labels too
    # A CRM's word for the channel finds it as imports store it ("SEO" is organic search).
    assert _listed(client.get("/ui/leads?source=SEO").text) == by_code


def test_htmx_gets_only_the_results(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("sales")
    headers = {"HX-Request": "true", "HX-Target": "results"}

    partial = client.get("/ui/leads?sort=fit", headers=headers).text

    assert partial.lstrip().startswith('<section id="results"')
    assert "<html" not in partial


def test_a_bad_filter_value_is_a_clear_error(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("marketing")

    reply = client.get("/ui/leads?grade=Z")

    assert reply.status_code == 422
    assert "unknown grade &#39;Z&#39;" in reply.text


def test_the_lead_page_explains_every_point_with_rule_age_and_decay(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    page = signed_in("marketing").get(f"/ui/leads/{world.ready[0]}").text

    for rule in ("target industry", "decision-maker seniority", "pricing page visit"):
        assert rule in page
    assert "Age (days)" in page
    assert "Decay" in page
    assert "demo requested" in page  # the timeline, in words
    assert "Stage: Lead → Prospect (SQL)" in " ".join(page.split())  # a transition
    assert "Sales accepts or rejects the hand-off" in page  # owner and next action


def test_a_number_a_fit_rule_matched_is_written_in_the_readers_language(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    client = signed_in("marketing")
    english = client.get(f"/ui/leads/{world.ready[0]}").text
    client.headers["Accept-Language"] = "de"
    german = client.get(f"/ui/leads/{world.ready[0]}").text

    assert "account.revenue = 20,000,000<" in english  # not the store's 20000000.0
    assert "account.revenue = 20.000.000<" in german
    # Text as written; a rule over two paths shows each (it showed a Python dict).
    assert "<td>account.country = NL, contact.country = NL</td>" in english


def test_sales_states_bant_with_evidence_and_qualification_follows(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    client = signed_in("sales")
    contact = world.nurtured[0]
    page = client.get(f"/ui/leads/{contact}").text
    assert "State a criterion" in page
    token = csrf_of(page)

    for criterion in ("budget", "need", "timing"):
        reply = client.post(
            f"/ui/leads/{contact}/bant",
            data={
                "csrf_token": token,
                "criterion": criterion,
                "met": "yes",
                "evidence": f"{criterion} confirmed on the call",
            },
        )
        assert reply.status_code == 303

    after = client.get(f"/ui/leads/{contact}").text
    assert "budget confirmed on the call" in after
    assert 'class="badge t-hot"' in after  # four of four met: hot
    assert "sales@web.example" in after  # who said so, in the history


def test_a_refused_bant_statement_keeps_its_evidence_on_the_lead_page(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    client = signed_in("sales")
    contact = world.nurtured[2]
    data = {"criterion": "authority", "met": "perhaps", "evidence": "the CFO signs, says Ana"}

    reply = client.post(
        f"/ui/leads/{contact}/bant",
        data={"csrf_token": csrf_of(client.get(f"/ui/leads/{contact}").text), **data},
    )

    assert reply.status_code == 422
    assert "Score and explanation" in reply.text  # the lead page, not an error page
    assert re.search(r'id="bant-refused">[^<]*met must be one of', reply.text)
    assert '<option value="authority" selected>' in reply.text
    assert ">the CFO signs, says Ana</textarea>" in reply.text
    assert "the CFO signs" not in client.get(f"/ui/leads/{contact}").text  # nothing stored


def test_marketing_reads_bant_but_cannot_state_it(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    client = signed_in("marketing")
    page = client.get(f"/ui/leads/{world.nurtured[1]}").text
    data = {"csrf_token": csrf_of(page), "criterion": "budget", "met": "yes"}

    assert "State a criterion" not in page
    assert client.post(f"/ui/leads/{world.nurtured[1]}/bant", data=data).status_code == 403


def test_an_unknown_lead_is_a_404_page(signed_in: Callable[[str], TestClient]) -> None:
    reply = signed_in("sales").get("/ui/leads/999999")

    assert reply.status_code == 404
    assert "no contact with id 999999" in reply.text


def test_an_error_pages_title_says_what_went_wrong(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("sales")
    client.headers["Accept-Language"] = "de"

    missing = client.get("/ui/leads/999999").text
    forbidden = client.get("/ui/settings").text
    refused = client.get("/ui/leads?sort=bogus").text

    # The browser's tab and a screen reader's first words: the page's heading, not "404".
    assert "<title>Nicht gefunden (404) · leadflow</title>" in missing
    assert "<title>Nicht für Ihre Rolle (403) · leadflow</title>" in forbidden
    assert "<title>Das hat nicht geklappt (422) · leadflow</title>" in refused


def test_the_lead_page_names_the_owning_rep_as_the_list_does(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    client = signed_in("marketing")
    page = client.get(f"/ui/leads/{world.ready[0]}").text

    owner = re.search(r'<dd id="owner"><span title="(r\d)">([^<]+)</span></dd>', page)
    assert owner is not None, page
    assert owner[2] == f"Rep {owner[1]}"  # the name, the key in the title
    listed = client.get("/ui/leads", params={"q": "lead1@"}).text
    assert f'<span title="{owner[1]}">Rep {owner[1]}</span>' in listed


def test_the_listed_leads_download_as_csv_with_the_same_filters(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    client = signed_in("sales")
    page = client.get("/ui/leads?stage=sql&q=lead").text
    links = dict(re.findall(r'<a href="(/ui/leads\.csv\?[^"]+)" download>([^<]+)</a>', page))
    by_label = {label: href.replace("&amp;", "&") for href, label in links.items()}
    assert set(by_label) == {"CSV", "HubSpot import", "Salesforce import"}
    assert "stage=sql" in by_label["CSV"]
    assert "q=lead" in by_label["CSV"]

    generic = client.get(by_label["CSV"])
    hubspot = client.get(by_label["HubSpot import"])

    assert generic.status_code == 200, generic.text
    assert generic.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(generic.text)))
    assert sorted(int(row["contact_id"]) for row in rows) == sorted(world.ready)
    assert {row["stage"] for row in rows} == {"sql"}
    assert hubspot.text.startswith("Record ID,Email,Lifecycle Stage,")
    assert len(hubspot.text.splitlines()) == len(world.ready) + 1


def test_a_download_with_a_stage_the_definition_lacks_is_refused(
    signed_in: Callable[[str], TestClient],
) -> None:
    client = signed_in("marketing")

    refused = client.get("/ui/leads.csv?stage=sqll")
    unknown_format = client.get("/ui/leads.csv?format=marketo")

    assert refused.status_code == 422
    assert unknown_format.status_code == 422
    assert "marketo" in unknown_format.text


def test_a_seniority_is_named_in_the_readers_language(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    client = signed_in("marketing")
    client.headers["Accept-Language"] = "de"

    page = client.get(f"/ui/leads/{world.ready[0]}").text

    # leadflow's own level (imports read "Director", "Direktor", "VP" into it), not its code
    assert re.search(r"<dt>Hierarchiestufe</dt><dd>Direktor/in</dd>", page)

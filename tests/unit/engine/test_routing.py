from dataclasses import replace

from leadflow.definition.model import EngagementConfig, EngagementRule, EventTest, Stage
from leadflow.engine.layout import SlotLayout, event_tests
from leadflow.engine.routing import routes_for
from tests.unit.engine.builders import matcher, waterfall


def _rule(name: str, **where: str) -> EngagementRule:
    return EngagementRule(name, matcher("page_view", **where), 1)


def test_events_go_to_the_slots_whose_filters_accept_them() -> None:
    rules = (_rule("any"), _rule("pricing", url="*/pricing*"), _rule("eu", url="*", lang="de"))
    layout = SlotLayout.for_definition(waterfall(engagement=EngagementConfig(rules)))
    route = layout.routes["page_view"]
    any_, pricing, eu = (slot.id for slot in layout.engagement)
    assert set(route.slot_ids({"url": "/pricing"})) == {any_, pricing}
    assert set(route.slot_ids({"url": "/pricing", "lang": "DE"})) == {any_, pricing, eu}
    assert set(route.slot_ids({})) == {any_}
    # Answers are remembered per combination of values, and stay right.
    assert set(route.slot_ids({"url": "/pricing"})) == {any_, pricing}
    assert set(route.slot_ids({"url": ["/blog", "/pricing/eu"]})) == {any_, pricing}  # a list
    assert len(route.memo) == 3


def test_a_type_without_filters_needs_no_look_up() -> None:
    layout = SlotLayout.for_definition(waterfall())
    route = layout.routes["webinar_attendance"]
    assert not route.conditional
    assert route.slot_ids({"event": "x"}) is route.always
    assert "email_open" not in layout.routes  # nothing in the definition asks about it


def test_the_memo_is_bounded() -> None:
    rules = (_rule("pricing", url="*/pricing*"),)
    layout = SlotLayout.for_definition(waterfall(engagement=EngagementConfig(rules)))
    route = routes_for(layout.slots)["page_view"]
    for page in range(5000):
        route.slot_ids({"url": f"/p/{page}"})
    assert len(route.memo) <= 4096


def test_identical_event_tests_share_one_slot() -> None:
    definition = waterfall()
    test = EventTest(matcher("webinar_attendance"), within_days=90)
    stages = (*definition.stages, Stage("again", test))
    tests = event_tests(replace(definition, stages=stages))
    assert tests.count(test) == 1


def test_the_fingerprint_changes_with_what_the_state_depends_on() -> None:
    base = SlotLayout.for_definition(waterfall()).fingerprint
    assert SlotLayout.for_definition(waterfall()).fingerprint == base
    slower = waterfall(
        engagement=EngagementConfig((EngagementRule("view", matcher("page_view"), 1, 30),))
    )
    assert SlotLayout.for_definition(slower).fingerprint != base
    assert SlotLayout.for_definition(waterfall(version="2")).fingerprint != base

"""Where in the file each rule the messages name was written, as a document key path.

Warnings (lint.py) and data reads (reads.py) name a rule in the words of the file
(``fit rule 'DACH'``, ``stage mql``); an author looks for it by line. The compiled
definition keeps every list in the file's order (a list ``extends`` replaces whole),
so a rule's position is its index there, and the loader's document maps that key path
to the file and line that wrote it.
"""

from __future__ import annotations

from leadflow.definition.errors import Loc
from leadflow.definition.model import Definition

__all__ = ["reader_places"]


def reader_places(definition: Definition) -> dict[str, Loc]:
    """The key path of each reader name (``fit rule 'DACH'`` -> ``fit.rules[1]``)."""
    places: dict[str, Loc] = {
        "sales-ready gate": ("sales_ready", "when"),
        "sales_actions": ("sales_actions", "actions"),
        "lead_types.own_actions": ("lead_types", "own_actions"),
        "lead_types.sql_outcomes": ("lead_types", "sql_outcomes"),
        "assets.events": ("assets", "events"),
        "sales_ready.min_fit_grade": ("sales_ready", "min_fit_grade"),
        "sales_ready.require_sales_action": ("sales_ready", "require_sales_action"),
    }
    for index, rule in enumerate(definition.fit.rules):
        places[f"fit rule {rule.name!r}"] = ("fit", "rules", index)
    for index, engagement in enumerate(definition.engagement.rules):
        places[f"engagement rule {engagement.name!r}"] = ("engagement", "rules", index)
    for criterion, rules in definition.bant.rules.items():
        for index, bant in enumerate(rules):
            places[f"bant {criterion} rule {bant.name!r}"] = ("bant", f"{criterion}", index)
    for index, stage in enumerate(definition.stages):
        places[f"stage {stage.id}"] = ("stages", index)
    for index, routing in enumerate(definition.handoff.routing.rules):
        places[f"routing rule {routing.name!r}"] = ("handoff", "routing", "rules", index)
    return places

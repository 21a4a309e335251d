"""A deterministic demo world: a European B2B SaaS company's last 12-18 months.

``generate_world(out_dir, contacts, seed)`` writes accounts, contacts, reps, events,
sales activities and opportunities, plus the hidden ground truth they were drawn from
(truth.json, truth_contacts.csv), so that ICP discovery, predictive scoring and channel
reports can be checked against known answers. docs/demo.md describes every file.

Module map, in the order a world is built:

    config       WorldConfig: size, seed, window, format; validation
    catalog      fixed vocabularies: countries, industries, roles, channels, content
    names        people's and companies' names per country, ASCII folding
    calendar     e-mail sends, webinars and conferences inside the window
    truth        the hidden win model: ICP coefficients, channel quality, Bayes AUC
    accounts     companies (firmographics, named-account owners) and the sales reps
    people       contacts per chunk: channel, persona, latent intent (addresses: names,
                 e-mails, phones, titles)
    properties   every distinct event ``properties`` object, numbered
    events       events as parallel integer arrays
    behaviour    fit- and intent-driven activity and sales actions (sessions: browsing,
                 identification, engagement, visitors; mail: opens, bounces, unsubscribes)
    sales        hand-off routing and each lead's fate (desk: the sales history)
    tables       rows of the output tables; writers: CSV and Parquet; spool: time-sorted
                 JSON lines in bounded memory
    groundtruth  truth.json and manifest.json
    world        generate_world: the chunked pipeline
"""

from __future__ import annotations

from leadflow.demo.config import DEFAULT_END, DemoInputError, WorldConfig, WorldFormat
from leadflow.demo.world import OUTPUT_FILES, WorldSummary, generate_world

__all__ = [
    "DEFAULT_END",
    "OUTPUT_FILES",
    "DemoInputError",
    "WorldConfig",
    "WorldFormat",
    "WorldSummary",
    "generate_world",
]

"""Set-based scoring: every contact qualified at once, identical to ``leadflow.engine``.

    frames       Column, ContactFrame, EventFrame: facts and events as columns
    parquet      frames from a Parquet export (the demo world's layout), whole or streamed
    store        frames from the workspace store (SQLite, PostgreSQL), as of a moment
    history      the store's changing facts (existence, answers, BANT) at past moments
    from_facts   frames from ``Facts`` objects, and back (tests, small sets)
    qualify      qualify_frames / qualify_partitions: partitions of contacts, in order
    kernel       the seven steps of qualification for one partition, as array operations
    tally        events folded per slot and contact (counts, decayed points, latest)
    attributes   attribute tests once per distinct value; emails: derived e-mail paths
    probes       the engine's own predicates on minimal scopes; number semantics
    conditions   condition trees as boolean arrays
    standing     sales facts as of ``now``
    result       BatchResult: the verdict columns, and one contact's Qualification
    lifecycle    forward moves for every contact (engine.lifecycle.advance)
    writeback    qualifications and the transition ledger written back to the store

docs/analytics.md describes the design and the benchmark.
"""

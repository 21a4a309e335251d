"""leadflow: one shared, versioned definition of the marketing-to-sales funnel.

Package map (each folder is one concern; arrows are the only allowed imports):

    domain      pure types and rules of the funnel (no I/O)
    definition  the YAML contract: raw models, compiled Definition, presets
    engine      qualification and lifecycle, pure functions of (facts, definition, now)
    demo        deterministic simulation of a B2B company (demo data, ground truth)
    store       SQLAlchemy 2 models and Alembic migrations (SQLite, PostgreSQL)
    ingest      importers and normalisation of outside data
    services    use cases that orchestrate the store and the engine
    batch       set-based scoring of every contact
    analytics   funnel, channel, alignment and scoring reports
    learn       ICP discovery and predictive scoring
    api         FastAPI application (thin; calls services)
    web         server-rendered UI (thin; calls services)
    cli         command line (thin; calls services)

    api/web/cli -> services -> store/ingest/batch/analytics/learn -> engine -> definition -> domain
"""

__version__ = "0.1.0.dev0"

__all__ = ["__version__"]

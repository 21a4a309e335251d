"""The HTTP API (FastAPI), thin over the services. Build it with ``app.create_app``.

    app          create_app: the factory (routers, problem handlers, middleware)
    state        ApiLimits (the knobs) and ApiState (what one app shares between requests)
    deps         typed dependencies: ReadSessionDep, WriteSessionDep, NowDep, StateDep ...
    auth         Gate / allow / PUBLIC: each route's roles, API keys, rate limiting
    problems     RFC 9457 problem documents and the error kinds
    keycache     a short-lived cache of authenticated keys
    ratelimit    token buckets per key or client address
    bodylimit    request body limits (413)
    metrics      Prometheus metrics and the middleware that times requests
    idempotent   Idempotency-Key: replay the stored reply or run and store
    recording    pooled event recorders and the cached active definition
    schemas/     request and response bodies, per resource
    routers/     one router per resource

Nothing is imported here: ``leadflow.web`` imports ``api.state`` without the app.
"""

__all__: list[str] = []

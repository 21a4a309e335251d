"""The numbers marketing and sales share: funnel, channels, alignment, scoring, back-test.

    tables       the base tables as they stood at a moment (as of), read set-wise
    journeys     each contact's way through the funnel, rebuilt from the ledger
    funnel       volume, conversion, velocity and value per stage, by cohort or group
    channels     persona match, MQL->SQL, SQL->won, revenue and cost per source
    alignment    acceptance, rejections, time to accept, SLA, attempts, under-worked
    scoring      conversion by score decile and by grade x engagement band
    backtest     two definitions replayed over history, side by side
    costs        costs.yaml: the price of a lead per channel, campaign or vendor
    report       Report and Section; table, CSV and JSON rendering
    charts       PNG/SVG charts (matplotlib imported only to draw)

docs/analytics.md defines every figure.
"""

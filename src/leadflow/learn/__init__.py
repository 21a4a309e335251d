"""Learning the ideal lead from history: ICP discovery and calibrated predictive scoring.

Map of the package (data flows top to bottom; docs/learning.md explains the methods):

    table         LeadTable: closed leads, outcome 0/1, typed attributes, decision times
    outcome       the target column (won/lost, open rows) and the time column
    csv_source    a CRM export: delimiter/encoding sniffing, "Select" = not answered
    history       closed leads of a CRM history (any source) -> LeadTable
    world_source  a CRM history shaped like the demo world; decision point = hand-off
    store_source  the same from the workspace store (SQLite, PostgreSQL)
    sources       which of them the command-line options point at
    activity      engagement aggregates as of each lead's decision point
    leakage       post-outcome presets, outcome-like names, the single-feature AUC guard
    levels        values grouped into levels: categories, quantile bins, missing, other
    icp           ICP discovery: win rate, lift, support, Wilson interval, FDR control
    proposal      findings -> weighted fit rules and grades, as a definition patch (YAML)
    features      attributes -> model matrix (category codes, rare values pooled)
    split         time-ordered or stratified holdouts
    predictive    the model: boosting or spline logistic, calibrated; small-data rules
    baseline      frequency naive Bayes (Odoo's method)
    fact_paths    attribute rows <-> Facts: the definition's fit score, model input
    explain       per-lead contributions (one-attribute substitution)
    metrics       ROC-AUC, PR-AUC, Brier, ECE, calibration table, lift by decile
    evaluation    holdout report and stratified k-fold cross-validation
    artifact      model folders: pickled model plus a JSON model card, versioned
    scoring       a saved model scoring live people (Facts.prediction), the card's globs
    single_row    one row's probability without scikit-learn's per-call overhead
    plot          the calibration curve (PNG)
    report        the same sections as rich tables and Markdown
    runs          the runs behind ``leadflow learn icp | model | evaluate``

Nothing here reads the environment or the wall clock; the CLI passes files and ``now``.
"""

"""Learning the ideal lead from history: ICP discovery and calibrated predictive scoring.

Map of the package (data flows top to bottom):

    table        LeadTable: closed leads, their outcome 0/1, typed attributes
    csv_source   read a CRM export (delimiter/encoding sniffing, "Select" = not answered)
    leakage      post-outcome column presets and the single-feature AUC guard
    icp          ICP discovery: win rate, lift, support, Wilson interval per value
    proposal     findings -> fit rules with points, as a YAML patch of the definition
    features     attributes -> model matrix (ordinal categories, rare values pooled)
    split        time-ordered or stratified holdouts
    calibration  Platt or isotonic calibration on a held-out slice
    baseline     frequency naive Bayes (Odoo's method) and the definition's fit score
    predictive   train the model (gradient boosting, or logistic with small data)
    explain      per-lead contributions (one-feature-at-a-time substitution)
    metrics      ROC-AUC, PR-AUC, Brier, ECE, calibration table, lift by decile
    evaluation   holdout report and stratified k-fold cross-validation
    artifact     model directories: pickled model plus a JSON model card
    report       rich tables, markdown and the calibration PNG

Nothing here reads the environment or the wall clock; the CLI (``leadflow learn``)
passes files and ``now`` in.
"""

"""The frequency naive Bayes baseline: Odoo CRM's predictive lead scoring method.

For each categorical field, the share of won and of lost leads holding each value is
counted; a lead's probability is the prior times the product of those shares for its
values, normalised over won and lost. (scikit-learn's ``CategoricalNB``, with add-one
smoothing so an unseen pair is not zero.) Numbers are not used, as in Odoo, where only
categorical fields take part. It is here so every model report says how much better
(or not) the predictive model does than the simple open method.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.naive_bayes import CategoricalNB

from leadflow.learn.features import Encoder, fit_encoder
from leadflow.learn.table import AttributeKind, LeadTable

__all__ = ["FrequencyBayes", "fit_frequency_bayes"]


@dataclass(frozen=True, slots=True)
class FrequencyBayes:
    encoder: Encoder
    model: CategoricalNB

    def predict_table(self, table: LeadTable) -> npt.NDArray[np.float64]:
        return np.asarray(self.model.predict_proba(self._codes(table))[:, 1], dtype=np.float64)

    def _codes(self, table: LeadTable) -> npt.NDArray[np.int64]:
        matrix = self.encoder.encode(table)
        # Missing answers are a value of their own, one past "other".
        missing = np.array([f.other_code + 1 for f in self.encoder.features], dtype=np.float64)
        filled = np.where(np.isnan(matrix), missing, matrix)
        return filled.astype(np.int64)


def fit_frequency_bayes(table: LeadTable) -> FrequencyBayes | None:
    """The baseline on the table's categorical attributes; None when it has none."""
    categorical = table.without(
        [a.name for a in table.attributes if a.kind is AttributeKind.NUMERIC], "numeric"
    )
    if not categorical.attributes:
        return None
    encoder = fit_encoder(categorical, min_count=1)  # every value counts, as in Odoo
    sizes = [f.other_code + 2 for f in encoder.features]
    model = CategoricalNB(alpha=1.0, min_categories=np.array(sizes))
    baseline = FrequencyBayes(encoder, model)
    model.fit(baseline._codes(categorical), categorical.outcome)
    return baseline

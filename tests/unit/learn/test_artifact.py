import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from leadflow.domain.facts import Facts
from leadflow.learn.artifact import CARD_FORMAT, load_model, save_model
from leadflow.learn.errors import LearnInputError
from leadflow.learn.fact_paths import record_from_facts
from leadflow.learn.predictive import train_model

from .conftest import Planted

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def test_versions_count_up_and_load_takes_the_latest(planted: Planted, tmp_path: Path) -> None:
    model = train_model(planted.table.take(np.arange(1500)))
    first = save_model(tmp_path / "models", model, {"training": {"leads": 1500}}, now=NOW)
    second = save_model(tmp_path / "models", model, {"training": {"leads": 1500}}, now=NOW)
    assert (first.version, second.version) == (1, 2)
    assert second.path == tmp_path / "models" / "v2"
    loaded = load_model(tmp_path / "models")
    assert loaded.version == 2
    assert load_model(first.path).version == 1
    sample = planted.table.take(np.arange(10))
    assert np.allclose(loaded.model.predict_table(sample), model.predict_table(sample))


def test_card_describes_the_model(planted: Planted, tmp_path: Path) -> None:
    model = train_model(planted.table.take(np.arange(1500)))
    saved = save_model(tmp_path, model, {"metrics": {"auc": np.float64(0.8)}}, now=NOW)
    card = json.loads((saved.path / "card.json").read_text())
    assert card["format"] == CARD_FORMAT
    assert card["created_at"] == "2026-06-01T12:00:00Z"
    assert card["learner"] in ("gradient_boosting", "logistic_regression")
    assert card["metrics"] == {"auc": 0.8}
    industry = next(f for f in card["features"] if f["name"] == "Industry")
    assert industry["path"] == "account.industry"
    assert "software" in industry["categories"]


def test_saved_model_scores_facts(planted: Planted, tmp_path: Path) -> None:
    saved = save_model(tmp_path, train_model(planted.table), {}, now=NOW)
    model = saved.model

    def prediction(industry: str, employees: int) -> float:
        facts = Facts(account={"industry": industry, "employees": employees})
        matrix = model.encoder.encode_records([record_from_facts(facts, model.encoder)])
        return float(model.predict(matrix)[0])

    assert prediction("Software", 900) > prediction("retail", 900) > 0
    assert prediction("software", 900) > prediction("software", 10)


def test_not_a_model_folder(tmp_path: Path) -> None:
    with pytest.raises(LearnInputError, match="no leadflow model here"):
        load_model(tmp_path)
    (tmp_path / "v1").mkdir()
    (tmp_path / "v1" / "card.json").write_text('{"format": "other"}')
    with pytest.raises(LearnInputError, match="not a leadflow-model/1 model card"):
        load_model(tmp_path)

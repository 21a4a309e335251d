"""Model files: one directory per version, a pickled model and a JSON model card beside it.

    models/
      v1/  model.pkl  card.json
      v2/  model.pkl  card.json      <- ``load_model("models")`` takes the latest

The card says what a reviewer needs without unpickling anything: the features and the
fact paths they read, the training window, the figures on the holdout, the learner and
calibration, and the library versions. Pickles run code when loaded: load only model
files you (or your team) wrote.
"""

from __future__ import annotations

import json
import pickle
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sklearn

from leadflow import __version__
from leadflow.learn.errors import LearnInputError
from leadflow.learn.predictive import ScoringModel

__all__ = [
    "CARD_FORMAT",
    "SavedModel",
    "load_model",
    "next_version_dir",
    "read_model_files",
    "save_model",
    "unpickle_model",
]

CARD_FORMAT = "leadflow-model/1"
_VERSION_DIR = re.compile(r"^v(\d+)$")
_MODEL_FILE = "model.pkl"
_CARD_FILE = "card.json"


@dataclass(frozen=True, slots=True)
class SavedModel:
    path: Path
    version: int
    model: ScoringModel
    card: Mapping[str, Any]


def next_version_dir(root: Path) -> tuple[Path, int]:
    """``root/v<N+1>`` where N is the highest version already there."""
    versions = _versions(root) if root.is_dir() else []
    number = (max(versions) if versions else 0) + 1
    return root / f"v{number}", number


def save_model(
    root: Path, model: ScoringModel, card: Mapping[str, Any], *, now: datetime
) -> SavedModel:
    """Write the next version under ``root``; the card gets format, version and features."""
    if root.exists() and not root.is_dir():
        raise LearnInputError(f"{root}: exists and is not a directory")
    folder, number = next_version_dir(root)
    folder.mkdir(parents=True)
    full_card = {
        "format": CARD_FORMAT,
        "version": number,
        "created_at": now.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "learner": model.learner.value,
        "calibration": model.calibration.value,
        "features": [_feature(spec) for spec in model.encoder.features],
        "libraries": {"leadflow": __version__, "scikit-learn": sklearn.__version__},
        **card,
    }
    with (folder / _MODEL_FILE).open("wb") as handle:
        pickle.dump(model, handle, protocol=pickle.HIGHEST_PROTOCOL)
    (folder / _CARD_FILE).write_text(json.dumps(full_card, indent=2, default=_plain) + "\n")
    return SavedModel(folder, number, model, full_card)


def load_model(path: Path) -> SavedModel:
    """A version directory, or a models root (its latest version)."""
    folder, card, pickled = read_model_files(path)
    return SavedModel(folder, int(card["version"]), unpickle_model(pickled, str(folder)), card)


def read_model_files(path: Path) -> tuple[Path, dict[str, Any], bytes]:
    """The version folder (``path`` itself, or a models root's latest), its checked card and
    the pickle's bytes, not unpickled yet (a workspace stores exactly these bytes)."""
    folder = path
    if not (path / _CARD_FILE).is_file():
        versions = _versions(path) if path.is_dir() else []
        if not versions:
            raise LearnInputError(f"{path}: no leadflow model here (expected {_CARD_FILE})")
        folder = path / f"v{max(versions)}"
    card = _read_card(folder)
    return folder, card, (folder / _MODEL_FILE).read_bytes()


def unpickle_model(pickled: bytes, where: str) -> ScoringModel:
    """The scoring model in a pickle (runs code: only pickles your team wrote)."""
    try:
        model = pickle.loads(pickled)
    except Exception as error:  # unpickling can raise almost anything
        raise LearnInputError(f"{where}: cannot load the model ({error})") from None
    if not isinstance(model, ScoringModel):
        raise LearnInputError(f"{where}: {_MODEL_FILE} is not a leadflow scoring model")
    return model


def _read_card(folder: Path) -> dict[str, Any]:
    try:
        card = json.loads((folder / _CARD_FILE).read_text())
    except (OSError, ValueError) as error:
        raise LearnInputError(f"{folder / _CARD_FILE}: unreadable model card ({error})") from None
    if not isinstance(card, dict) or card.get("format") != CARD_FORMAT:
        raise LearnInputError(f"{folder / _CARD_FILE}: not a {CARD_FORMAT} model card")
    if not (folder / _MODEL_FILE).is_file():
        raise LearnInputError(f"{folder}: the model card has no {_MODEL_FILE} beside it")
    return card


def _versions(root: Path) -> list[int]:
    found = (_VERSION_DIR.match(child.name) for child in root.iterdir() if child.is_dir())
    return [int(match.group(1)) for match in found if match]


def _feature(spec: Any) -> dict[str, Any]:
    return {
        "name": spec.name,
        "path": spec.path,
        "kind": spec.kind.value,
        "categories": list(spec.labels),
    }


def _plain(value: Any) -> Any:
    """JSON for the dataclasses and numpy numbers a card may hold."""
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to a model card")

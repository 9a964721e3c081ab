"""corpora/real/settings_cv.py: the cross-validation behind the settings table reads only the
training documents, keeps each document in one fold, and its variants are real settings."""
from __future__ import annotations

import importlib.util
import inspect
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from discourse.framing import FramingClassifier
from discourse.framing.pretrained import SETTINGS

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def script():
    path = ROOT / "corpora" / "real" / "settings_cv.py"
    spec = importlib.util.spec_from_file_location("_settings_cv", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_variants_are_classifier_settings(script):
    params = set(inspect.signature(FramingClassifier).parameters)
    extra = {"_real_weight", "_demo", "_tune_real", "_docctx", "_stack", "_Cpf"}
    for name, options in script.VARIANTS.items():
        assert set(options) <= params | extra, name
    assert script.VARIANTS["baseline"] == {}
    shipped = script.make_variant({}, []).get_params()
    assert {k: shipped[k] for k in SETTINGS} == SETTINGS


def test_only_training_documents_in_grouped_folds(script):
    real = pd.DataFrame({"doc_id": [f"d{i // 3}" for i in range(36)], "order": [i % 3 for i in range(36)],
                         "split": ["test" if i // 3 in (0, 5) else "train" for i in range(36)]})
    train, folds = script.training_folds(real, seed=0)
    assert set(train["split"]) == {"train"} and len(train) == 30
    assert len(folds) == 5
    docs = train["doc_id"].to_numpy()
    for fit_rows, held in folds:
        assert not set(docs[fit_rows]) & set(docs[held])
    assert sorted(np.concatenate([held for _, held in folds]).tolist()) == list(range(30))


def test_document_context_never_mixes_the_copies_of_a_document(script):
    values = np.array([[1.0, 0.0], [3.0, 2.0], [5.0, 4.0], [7.0, 6.0]])
    got = script.doc_mean(values, ["a", "a", "b", "a"])     # the last "a" is a second copy
    assert got.tolist() == [[3.0, 2.0], [1.0, 0.0], [0.0, 0.0], [0.0, 0.0]]


def test_datasheet_states_the_shipped_numbers():
    """The datasheet and the README quote the held-out score and training size the manifest records."""
    from discourse.framing.pretrained import manifest

    info = manifest()
    held, n_train = info["held_out"], info["real_sentences"]["train"]["n_sentences"]
    for doc in (ROOT / "corpora" / "real" / "README.md", ROOT / "README.md"):
        text = doc.read_text(encoding="utf-8")
        assert f"macro-F1 {held['macro_f1']:.3f} ({held['macro_f1_low']:.3f}-{held['macro_f1_high']:.3f})" in text \
            or f"| {held['macro_f1']:.3f} | {held['macro_f1_low']:.3f}-{held['macro_f1_high']:.3f} |" in text, doc
    assert f"{n_train:,} training sentences" in (ROOT / "corpora" / "real" / "README.md").read_text(encoding="utf-8")

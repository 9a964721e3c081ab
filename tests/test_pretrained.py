"""The shipped frame model: loads checked, records what it was trained on, sees the text only, and
training is deterministic (same annotations and texts -> same coefficients)."""
from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from discourse.corpus import Corpus, Document
from discourse.framing import FramingClassifier
from discourse.framing.pretrained import SETTINGS, manifest, model_path, training_table


@pytest.fixture(scope="module")
def model():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return FramingClassifier.pretrained()


def test_manifest_names_the_training_data(model):
    info = manifest()
    ann = model_path().parent.parent / "real" / "annotations"
    import hashlib
    assert info["annotations"]["gold.jsonl"] == hashlib.sha256((ann / "gold.jsonl").read_bytes()).hexdigest()
    assert info["settings"] == json.loads(json.dumps(SETTINGS))
    assert info["real_sentences"]["train"]["n_sentences"] + info["real_sentences"]["test"]["n_sentences"] >= 1500
    assert 0 < info["held_out"]["macro_f1_low"] <= info["held_out"]["macro_f1"] <= info["held_out"]["macro_f1_high"]


def test_only_text_features(model):
    blocks = {name.split(":", 1)[0] for name in model.features_.feature_names}
    assert blocks <= {"word", "char", "cue", "marker", "context"}


def test_who_speaks_changes_nothing(model):
    text = "来日外国人による組織的な窃盗が各地で多発している。外国人住民の人権を守る相談窓口を設けた。"
    a = Corpus([Document("d1", text, side="state", actor="npa", genre="white_paper")])
    b = Corpus([Document("d1", text, side="ngo", actor="smj", genre="statement")])
    cols = list(model.frames_)
    assert (model.code_corpus(a).labels[cols].to_numpy() == model.code_corpus(b).labels[cols].to_numpy()).all()


def test_threat_and_rights_sentences(model):
    got = model.predict(["来日外国人による組織的な窃盗が各地で多発している。", "入管施設での長期収容は人権侵害であり、直ちに改めるべきだ。"])
    assert "crime_threat" in got[0] and "human_rights" in got[1]


def test_training_is_deterministic():
    rng = np.random.default_rng(0)
    from discourse.framing import load_codebook

    frames = list(load_codebook().ids)
    rows = []
    for d in range(12):
        for s in range(4):
            crime = (d + s) % 2 == 0
            rows.append({"doc_id": f"r{d}", "order": s, "split": "train" if d < 9 else "test", "language": "ja",
                         "text": ("外国人犯罪が増加している。" if crime else "外国人の人権を守るべきだ。") + f"第{d}{s}号",
                         **{f: int((f == "crime_threat" and crime) or (f == "human_rights" and not crime)) for f in frames}})
    real = pd.DataFrame(rows)
    table = training_table(real)
    fits = [FramingClassifier(**SETTINGS).fit(table[["doc_id", "text", "language"]], table[frames], groups=table["doc_id"])
            for _ in range(2)]
    assert np.array_equal(fits[0].coef_, fits[1].coef_) and np.array_equal(fits[0].thresholds_, fits[1].thresholds_)
    assert (table["doc_id"].str.startswith("r")).sum() == 2 * 9 * 4   # real training sentences counted twice
    del rng

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


def test_fitted_with_the_current_tokenizer():
    """The shipped model was fitted with today's tokenizer settings, so loading it does not warn; a
    tokenizer change that alters tokens must come with a retrained model (corpora/real/train.py)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        FramingClassifier.pretrained()
    assert not [w for w in caught if "tokenizer settings" in str(w.message)]


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


def test_shipped_gates_on_constructed_sentences(model):
    """Coding rules 1 and 3 and the no-frame gate, on sentences written for this test."""
    from discourse.framing.pretrained import THREAT

    assert (model.mask_names, model.denial, model.procedural_margin) == (SETTINGS["mask_names"], SETTINGS["denial"],
                                                                        SETTINGS["procedural_margin"])
    denied = model.predict(["来日外国人が犯罪の温床となっているという根拠はない。"])[0]
    assert not set(denied) & set(THREAT)
    assert "integration" not in model.predict(["県の多文化共生推進室が窓口を担当している。"])[0]
    assert "human_rights" not in model.predict(["法務省人権擁護局の職員が出席した。"])[0]
    assert model.predict(["2024年5月10日、当会は会長声明を公表しました。"]) == [[]]


def test_evaluation_tables_match_the_manifest():
    """The held-out numbers written by train.py are the ones the manifest records."""
    folder = model_path().parent.parent / "real" / "evaluation"
    held = manifest()["held_out"]
    ev = pd.read_csv(folder / "evaluation.csv").set_index("frame")
    assert ev.loc["(macro)", "f1"] == pytest.approx(held["macro_f1"], abs=1e-6)
    assert ev.loc["(micro)", "f1"] == pytest.approx(held["micro_f1"], abs=1e-6)
    assert ev.loc["(macro)", "f1"] == pytest.approx(ev.drop(index=["(macro)", "(micro)"])["f1"].mean(), abs=1e-9)
    transfer = pd.read_csv(folder / "transfer.csv")
    assert transfer["macro_f1"].iloc[0] - transfer["macro_f1"].iloc[1] == pytest.approx(held["transfer_gap"], abs=1e-6)
    none = pd.read_csv(folder / "no_frame.csv")
    assert none["share_given_a_frame"].iloc[0] == pytest.approx(held["no_frame_share_given_a_frame"], abs=1e-6)


def test_by_side_scores_lie_inside_their_intervals():
    """Each side's macro-F1 is averaged over the frames that occur on that side (gold or predicted), as
    its bootstrap interval is: the point estimate lies inside the interval and at or above the
    worst frame-level reading, and micro-F1 is given beside it."""
    folder = model_path().parent.parent / "real" / "evaluation"
    sides = pd.read_csv(folder / "by_side.csv")
    assert set(sides["side"]) == {"ngo", "state"}
    for row in sides.itertuples():
        assert row.ci_low <= row.macro_f1 <= row.ci_high, row
        assert 0 < row.micro_f1 <= 1

"""Honest evaluation: document-grouped splits (no test sentence in fitting), held-out scoring, tuning."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator

from discourse.errors import ConfigError
from discourse.framing import (DictionaryCoder, FramingClassifier, cross_validate, evaluate_demo, evaluate_holdout,
                               grouped_folds, learning_curve, load_gold_set, side_by_side, tune_C)
from discourse.framing.scores import prf_table

FITTED: list[set] = []
PREDICTED: list[set] = []


class Spy(BaseEstimator):
    """Records the documents and sentence ids it is fitted on and asked to predict."""

    def __init__(self, C: float = 1.0):
        self.C = C

    def fit(self, X, y):
        FITTED.append(set(X["doc_id"]) | {("sent", s) for s in X["sent_id"]})
        self.n_frames_ = np.asarray(y).shape[1]
        return self

    def decision_function(self, X):
        return np.zeros((len(X), self.n_frames_))

    def predict_indicator(self, X):
        PREDICTED.append(set(X["doc_id"]) | {("sent", s) for s in X["sent_id"]})
        return np.zeros((len(X), self.n_frames_), dtype=np.int8)


@pytest.fixture(scope="module")
def gold():
    return load_gold_set()


@pytest.fixture(autouse=True)
def _reset():
    FITTED.clear()
    PREDICTED.clear()



def test_demo_split_is_by_document(gold):
    train, test = gold.train(), gold.test()
    assert not set(train["doc_id"]) & set(test["doc_id"])
    assert len(train) + len(test) == len(gold.labels) and test["doc_id"].nunique() >= 40


def test_holdout_never_fits_on_test_documents(gold):
    evaluate_holdout(Spy(), gold.train(), gold.test(), frames=gold.frames, n_boot=0)
    assert len(FITTED) == 1
    assert not FITTED[0] & PREDICTED[0]
    assert {d for d in PREDICTED[0] if isinstance(d, str)} == set(gold.test()["doc_id"])


def test_cross_validation_tuning_and_learning_curve_never_leak(gold):
    train = gold.train()
    cross_validate(Spy(), train, frames=gold.frames, n_splits=4, n_boot=0)
    tune_C(Spy(), train, Cs=(1.0, 2.0), frames=gold.frames, n_splits=3)
    learning_curve(Spy(), train, gold.test(), frames=gold.frames, fractions=(0.2, 1.0), n_repeats=1)
    assert len(FITTED) == 4 + 6 + 2
    for fitted, predicted in zip(FITTED, PREDICTED):
        assert not fitted & predicted
    # tuning only ever saw training documents
    assert all(not (f & set(gold.test()["doc_id"])) for f in FITTED[:10])


def test_grouped_folds_and_overlap_guard(gold):
    train = gold.train()
    folds = grouped_folds(train["doc_id"], 5, random_state=1)
    assert len(folds) == 5
    seen = np.concatenate([te for _, te in folds])
    assert sorted(seen) == list(range(len(train)))
    for tr, te in folds:
        assert not set(train["doc_id"].iloc[tr]) & set(train["doc_id"].iloc[te])
    with pytest.raises(ConfigError, match="in both train and test"):
        evaluate_holdout(Spy(), train, train.head(5), frames=gold.frames, n_boot=0)


def test_holdout_scores_match_direct_computation(gold):
    ev = evaluate_holdout(DictionaryCoder(), gold.train(), gold.test(), frames=gold.frames, n_boot=200, name="dictionary")
    test = gold.test()
    P = DictionaryCoder().predict_indicator(test[["text", "doc_id", "language"]])
    direct = prf_table(gold.Y(test), P, gold.frames)
    pd.testing.assert_frame_equal(ev.scores[direct.columns], direct)
    s = ev.summary
    assert s["n_docs"] == test["doc_id"].nunique() and s["n_sentences"] == len(test)
    assert s["macro_f1_low"] <= s["macro_f1"] <= s["macro_f1_high"]
    assert ev.pair.to_numpy().sum() == len(test)
    assert set(ev.by_language["language"]) == {"ja", "en"}
    other = evaluate_holdout(DictionaryCoder(rules={f: "差別" for f in gold.frames}), gold.train(), gold.test(),
                             frames=gold.frames, n_boot=0, name="toy")
    table = side_by_side(ev, other)
    assert list(table["frame"]) == [*gold.frames, "(macro)", "(micro)"]
    assert table.loc[6, "dictionary_f1"] == ev.scores.loc[6, "f1"] and table.loc[6, "toy_f1"] == other.scores.loc[6, "f1"]


def test_classifier_holdout_beats_dictionary(gold):
    """The classifier (fitted on TRAIN documents only) against the dictionary on TEST documents."""
    clf = evaluate_holdout(FramingClassifier(), gold.train(), gold.test(), frames=gold.frames, n_boot=100)
    dic = evaluate_holdout(DictionaryCoder(), gold.train(), gold.test(), frames=gold.frames, n_boot=100)
    assert clf.summary["macro_f1"] > dic.summary["macro_f1"] + 0.1
    assert clf.summary["lrap"] > dic.summary["lrap"]


@pytest.mark.slow
def test_full_demo_protocol(gold):
    report = evaluate_demo(gold, n_boot=500)
    assert report.C in (1.0, 3.0, 10.0, 30.0) and len(report.learning) == 15
    assert report.targets_met()["beats dictionary"]
    assert "| crime_threat |" in report.markdown()

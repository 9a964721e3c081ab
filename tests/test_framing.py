"""FramingClassifier: estimator contract, inputs, thresholds, English, explanations, save/load."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, GroupKFold

from discourse.corpus import Corpus, Document
from discourse.errors import ConfigError
from discourse.framing import (DictionaryCoder, FramingClassifier, detect_language, load_gold_set, matrix_to_frame_lists)
from discourse.framing.classifier import apply_exclusive, exclusive_pairs
from discourse.framing.evaluate import sentence_inputs
from discourse.metrics.prevalence import prevalence


@pytest.fixture(scope="module")
def gold():
    return load_gold_set()


@pytest.fixture(scope="module")
def train(gold):
    return sentence_inputs(gold.train(), gold.frames)


@pytest.fixture(scope="module")
def model(train):
    X, Y = train
    return FramingClassifier().fit(X, Y)


def small(gold, n_docs=40):
    part = gold.train()
    keep = sorted(part["doc_id"].unique())[:n_docs]
    return sentence_inputs(part[part["doc_id"].isin(keep)], gold.frames)


def test_estimator_contract_get_params_clone_gridsearch(gold):
    clf = FramingClassifier(C=3.0, cv=3)
    assert clf.get_params()["C"] == 3.0 and not hasattr(clf, "coef_")
    twin = clone(clf)
    assert twin.get_params() == clf.get_params() and twin is not clf
    X, Y = small(gold, 30)
    search = GridSearchCV(FramingClassifier(cv=2, char_ngrams=(2, 3)), {"C": [1.0, 10.0]},
                          cv=GroupKFold(n_splits=2))
    search.fit(X, Y, groups=X["doc_id"])
    assert search.best_params_["C"] in (1.0, 10.0)
    assert 0 <= search.best_score_ <= 1
    assert len(search.predict(X.head(3))) == 3


def test_fit_accepts_frame_lists_matrix_and_dataframe(gold):
    X, Y = small(gold, 20)
    lists = matrix_to_frame_lists(Y, gold.frames)
    a = FramingClassifier(cv=2).fit(X, lists)
    b = FramingClassifier(cv=2).fit(X, Y)
    c = FramingClassifier(cv=2).fit(X, pd.DataFrame(Y, columns=gold.frames))
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.coef_, c.coef_)
    np.testing.assert_array_equal(a.thresholds_, b.thresholds_)
    with pytest.raises(ConfigError, match="unknown frame 'nope'"):
        FramingClassifier(cv=2).fit(X, [["nope"]] + lists[1:])
    with pytest.raises(ConfigError, match="shape"):
        FramingClassifier(cv=2).fit(X, Y[:-1])
    with pytest.raises(ConfigError, match="thresholds='best'"):
        FramingClassifier(thresholds="best").fit(X, Y)


def test_inner_threshold_folds_are_grouped_by_document(gold):
    X, Y = small(gold, 30)
    clf = FramingClassifier(cv=4)
    for train, val in clf._folds(len(X), X["doc_id"].to_numpy()):
        assert not set(X["doc_id"].iloc[train]) & set(X["doc_id"].iloc[val])


def test_predictions_outputs_and_thresholds(model, gold):
    test, _ = sentence_inputs(gold.test(), gold.frames)
    proba = model.predict_proba(test)
    assert list(proba.columns) == list(gold.frames) and ((proba >= 0) & (proba <= 1)).all().all()
    ind = model.predict_indicator(test)
    # a prediction is on only where the decision score reaches the frame's tuned threshold
    scores = model.decision_function(test)
    assert not (ind.astype(bool) & (scores < model.thresholds_)).any()
    assert model.predict(test.head(5)) == matrix_to_frame_lists(ind[:5], gold.frames)
    # probability thresholds are the calibrated image of the score thresholds
    np.testing.assert_allclose(model.proba_thresholds_,
                               1 / (1 + np.exp(-(model.calibration_[:, 0] * model.thresholds_ + model.calibration_[:, 1]))))
    assert set(model.cv_scores_.columns) == {"frame", "precision", "recall", "f1", "support"}
    assert set(model.cv_scores_optimistic_.columns) == set(model.cv_scores_.columns)
    # measured on the demo training documents: nested 0.722, optimistic (thresholds scored on the
    # scores that chose them) 0.746; the nested estimate must stay below the optimistic one
    assert 0.6 < model.cv_scores_["f1"].mean() < model.cv_scores_optimistic_["f1"].mean()
    assert model.predict(["来日外国人の刑法犯検挙件数は前年より二割増え、過去最多を更新した。"])[0] == ["statistical_threat"]


def test_exclusive_pairs_learned_from_training_cooccurrence():
    Yt = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1], [0, 1, 1]])
    assert not exclusive_pairs(Yt).any()     # two positives each: too few to call two frames exclusive
    ex = exclusive_pairs(Yt, min_support=2)
    assert ex[0, 1] and ex[1, 0] and not ex[0, 2] and not ex[1, 2] and not ex.diagonal().any()
    margins = np.array([[0.3, 0.5, -0.1], [0.9, 0.2, 0.4], [-1.0, -2.0, 0.0]])
    np.testing.assert_array_equal(apply_exclusive(margins, ex), [[0, 1, 0], [1, 0, 1], [0, 0, 1]])


def test_model_never_sees_threat_and_rebuttal_together(model, gold):
    j = [gold.frames.index("statistical_threat"), gold.frames.index("statistical_rebuttal")]
    assert model.exclusive_[j[0], j[1]]
    test, _ = sentence_inputs(gold.test(), gold.frames)
    assert not (model.predict_indicator(test)[:, j].sum(axis=1) == 2).any()


def test_english_sentences_use_the_english_pipeline(model, gold):
    assert detect_language("Foreigners account for 4% of suspects.") == "en"
    assert detect_language("UNHCR は声明を出した。") == "ja"
    test_labels = gold.test()
    en = test_labels[test_labels["language"] == "en"]
    assert len(en) >= 30
    X, Y = sentence_inputs(en, gold.frames)
    clf_f1 = _micro(Y, model.predict_indicator(X))
    dic_f1 = _micro(Y, DictionaryCoder().predict_indicator(X))
    assert clf_f1 > 0.5 and clf_f1 > dic_f1
    # English lemma features exist and carry weight
    names = model.features_.feature_names
    assert "word:detention" in names and "word:human rights" in names
    exp = model.explain("Detainees are held for months without judicial review.")
    assert set(exp.tokens["token"]) >= {"Detainees", "held", "review"}


def _micro(Y, P):
    tp = (Y & P).sum()
    return 2 * tp / (Y.sum() + P.sum())


def test_explanation_contributions_add_up_to_the_score(model):
    sentence = "警察のポスターは外国人への偏見をあおり、差別を助長している。"
    exp = model.explain(sentence)
    score = model.decision_function([sentence])[0]
    total = exp.tokens.groupby("frame", sort=False)["contribution"].sum().reindex(model.frames_).to_numpy()
    np.testing.assert_allclose(total + model.intercept_, score, atol=1e-9)
    np.testing.assert_allclose(exp.decisions["score"], score)
    top = exp.top("discrimination", 3)
    assert {"差別", "偏見"} & set(top["token"].head(3))
    assert "discrimination" in exp.to_text()
    feats = model.top_features(5)
    pos = feats[(feats["frame"] == "discrimination") & (feats["direction"] == "positive")]
    assert len(pos) == 5 and (pos["weight"].diff().dropna() <= 0).all() and (pos["weight"] > 0).all()


def test_save_load_identical_predictions_without_pickle(model, gold, tmp_path):
    folder = model.save(tmp_path / "m")
    assert sorted(p.name for p in folder.iterdir()) == ["arrays.npz", "model.json"]
    again = FramingClassifier.load(folder)
    test, _ = sentence_inputs(gold.test(), gold.frames)
    np.testing.assert_array_equal(again.predict_indicator(test), model.predict_indicator(test))
    np.testing.assert_array_equal(again.predict_proba(test).to_numpy(), model.predict_proba(test).to_numpy())
    assert again.get_params()["C"] == model.C and again.frames_ == model.frames_
    meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    assert meta["format"] == "discourse.model" and meta["class"] == "FramingClassifier"
    assert len(meta["state"]["word_vocabulary"]) == model.features_.block_sizes[0]
    pd.testing.assert_frame_equal(again.cv_scores_, model.cv_scores_)
    pd.testing.assert_frame_equal(again.cv_folds_, model.cv_folds_)


def test_load_rejects_pickled_or_mismatched_files(model, tmp_path):
    folder = model.save(tmp_path / "m")
    arrays = dict(np.load(folder / "arrays.npz"))
    arrays["coef"] = np.array([{"x": 1}], dtype=object)       # an object array needs pickle to load
    np.savez(folder / "arrays.npz", **arrays)
    with pytest.raises(ConfigError, match="arrays.npz: .*only plain numeric arrays"):
        FramingClassifier.load(folder)
    model.save(folder)
    meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    meta["state"]["word_vocabulary"] = meta["state"]["word_vocabulary"][:-1]
    (folder / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ConfigError, match="checksum"):
        FramingClassifier.load(folder)
    (folder / "model.json").write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(ConfigError, match="not a discourse model"):
        FramingClassifier.load(folder)


def test_code_corpus_feeds_prevalence(model):
    corpus = Corpus([Document("s1", "来日外国人犯罪は前年より増加し、過去最多となった。治安の回復が急務である。", side="state"),
                     Document("n1", "外国人を犯罪者扱いするポスターは差別を助長する。日本語教室を地域で開いている。", side="ngo")])
    coding = model.code_corpus(corpus)
    assert coding.labels["sent_id"].tolist() == ["s1:000", "s1:001", "n1:000", "n1:001"]
    assert list(coding.documents.columns[:2]) == ["doc_id", "n_sentences"]
    np.testing.assert_array_equal(coding.labels[model.frames_].to_numpy(), model.predict_indicator(coding.labels))
    np.testing.assert_allclose(coding.scores[model.frames_].to_numpy(), model.predict_proba(coding.labels).to_numpy())
    assert coding.labels.loc[3, "integration"] == 1 and coding.labels.loc[2, "discrimination"] == 1
    prev = prevalence(coding.labels, corpus.docvars, by="side", frames=model.frames_, n_boot=20)
    share = prev.set_index(["side", "frame"])["share"]
    by_hand = coding.labels.assign(side=["state", "state", "ngo", "ngo"]).groupby("side")[model.frames_].mean()
    for side in ("state", "ngo"):
        for frame in model.frames_:
            assert share[(side, frame)] == by_hand.loc[side, frame]


def test_batched_tokens_equal_the_per_text_tokenizer(gold):
    """The batch path used for speed gives exactly the tokens of ``Tokenizer.tokenize(text)``."""
    from discourse.framing import _tok
    from discourse.tokenize import EnglishTokenizer, JapaneseTokenizer

    for lang, tok in (("ja", JapaneseTokenizer()), ("en", EnglishTokenizer())):
        texts = gold.labels["text"][gold.language == lang].head(150).tolist()
        assert _tok._batch(texts, lang) == [_tok._from_tokens(tok.tokenize(t)) for t in texts]

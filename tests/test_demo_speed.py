"""The fast paths of the demo run give the same numbers as the plain ones: sentence features
extracted once (FeatureCache), reused fits, thresholds without unused calibration fits, the
vectorised LRAP, lazy imports and the figure cache."""
from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import rankdata

from discourse.framing import FramingClassifier, load_codebook, load_gold_set
from discourse.framing._tok import tokenize_sentences
from discourse.framing.evaluate import cross_validate, feature_cache, fit_predict, learning_curve
from discourse.framing.features import FeatureCache
from discourse.framing.scores import lrap, lrap_per_sentence
from discourse.report import figures

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def gold():
    return load_gold_set()


@pytest.fixture(scope="module")
def small(gold):
    """About a quarter of the demo training documents and a few test documents (fast fits)."""
    train, test = gold.train(), gold.test()
    train_docs = sorted(train["doc_id"].unique())[::4]
    test_docs = sorted(test["doc_id"].unique())[::5]
    return (train[train["doc_id"].isin(train_docs)].reset_index(drop=True),
            test[test["doc_id"].isin(test_docs)].reset_index(drop=True), list(gold.frames))


def _same_csr(a, b) -> None:
    assert a.shape == b.shape
    assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices) and np.array_equal(a.data, b.data)


def test_feature_cache_gives_the_matrices_of_the_strings(small):
    train, test, _ = small
    clf = FramingClassifier(codebook=load_codebook())
    both = pd.concat([train, test], ignore_index=True)
    cache = clf.feature_cache(both)
    assert len(cache) == len(set(zip(both["language"], both["text"])))
    for part in (train, train[train["doc_id"].isin(sorted(train["doc_id"].unique())[::2])]):
        texts, langs, docs = part["text"].tolist(), part["language"].tolist(), part["doc_id"].tolist()
        plain, fast = clf._feature_space(), clf._feature_space()
        want = plain.fit_transform(tokenize_sentences(texts, langs), texts, langs, docs)
        rows = cache.rows(fast, texts, langs)
        _same_csr(fast.fit_transform_rows(cache, rows, texts, langs, docs), want)
        assert fast.word.vocabulary == plain.word.vocabulary and fast.char.vocabulary == plain.char.vocabulary
        assert np.array_equal(fast.word.idf, plain.word.idf) and np.array_equal(fast.char.idf, plain.char.idf)
        t_texts, t_langs = test["text"].tolist(), test["language"].tolist()
        _same_csr(fast.transform_rows(cache, cache.rows(fast, t_texts, t_langs), t_texts, t_langs, test["doc_id"].tolist()),
                  plain.transform(tokenize_sentences(t_texts, t_langs), t_texts, t_langs, test["doc_id"].tolist()))


def test_feature_cache_refuses_other_settings_and_unknown_sentences(small):
    train, test, _ = small
    cache = FramingClassifier().feature_cache(train)
    assert cache.rows(FramingClassifier(word_ngrams=1)._feature_space(), train["text"].tolist(), train["language"].tolist()) is None
    assert cache.rows(FramingClassifier()._feature_space(), test["text"].tolist(), test["language"].tolist()) is None


def test_fit_with_the_feature_cache_is_the_same_fit(small):
    train, test, frames = small
    cache = FramingClassifier().feature_cache(pd.concat([train, test], ignore_index=True))
    a = FramingClassifier(frames=frames).fit(train, train[frames])
    b = FramingClassifier(frames=frames).fit(train, train[frames], features=cache)
    for attr in ("coef_", "intercept_", "thresholds_", "calibration_", "exclusive_"):
        assert np.array_equal(getattr(a, attr), getattr(b, attr)), attr
    pd.testing.assert_frame_equal(a.cv_scores_, b.cv_scores_)
    P, S = b.predict_with_proba(test, features=cache)
    assert np.array_equal(P, a.predict_indicator(test))
    assert np.array_equal(S, a.predict_proba(test).to_numpy())


def test_nested_thresholds_do_not_need_the_unused_calibrations(small):
    train, _, frames = small
    clf = FramingClassifier(frames=frames).fit(train, train[frames])
    rng = np.random.default_rng(1)
    Y = train[frames].to_numpy(dtype=np.int8)
    oof = rng.normal(size=Y.shape) + 2 * Y
    full, fast = clf._choose(oof, Y), clf._choose(oof, Y, thresholds_only=True)
    assert np.array_equal(full[1], fast[1])


def test_evaluation_with_shared_features_equals_the_plain_evaluation(small):
    train, test, frames = small
    model = FramingClassifier(codebook=load_codebook(), random_state=3)
    cache = feature_cache(model, train, test)
    _, P0, S0 = fit_predict(model, train, test, frames)                 # features from the strings
    _, P1, S1 = fit_predict(model, train, test, frames, features=cache)
    _, P2, S2 = fit_predict(model, train, test, frames, features=cache)  # the same fit: reused
    assert np.array_equal(P0, P1) and np.array_equal(S0, S1) and np.array_equal(P1, P2) and np.array_equal(S1, S2)
    assert len(cache.predictions) == 1
    curve = learning_curve(model, train, test, frames=frames, fractions=(0.5, 1.0), n_repeats=1, random_state=3,
                           features=cache)
    assert curve["macro_f1"].iloc[-1] == _macro(test[frames].to_numpy(), P0)    # the last point is the full fit
    cv = cross_validate(model, train, frames=frames, n_splits=3, n_boot=0, random_state=3)
    labels = train.reset_index(drop=True)
    P = np.zeros((len(labels), len(frames)), dtype=np.int8)
    from discourse.framing.evaluate import grouped_folds
    for tr, te in grouped_folds(labels["doc_id"], 3, 3):
        _, P[te], _ = fit_predict(model, labels.iloc[tr], labels.iloc[te], frames)
    assert cv.summary["macro_f1"] == _macro(labels[frames].to_numpy(), P)


def _macro(Y: np.ndarray, P: np.ndarray) -> float:
    from discourse.framing.scores import prf_table

    return float(prf_table(Y, P, [str(i) for i in range(Y.shape[1])]).set_index("frame").loc["(macro)", "f1"])


def _lrap_loop(Y: np.ndarray, S: np.ndarray) -> np.ndarray:
    out = np.ones(len(Y))
    for i in range(len(Y)):
        rel = np.flatnonzero(Y[i])
        if 0 < len(rel) < Y.shape[1]:
            out[i] = float(np.mean(rankdata(-S[i, rel], method="max") / rankdata(-S[i], method="max")[rel]))
    return out


@pytest.mark.parametrize("n_frames", [2, 5, 10, 13])
def test_vectorised_lrap_equals_the_rank_loop_and_sklearn(n_frames):
    from sklearn.metrics import label_ranking_average_precision_score

    rng = np.random.default_rng(n_frames)
    Y = rng.random((500, n_frames)) < 0.4
    S = np.round(rng.normal(size=Y.shape), 1)            # many ties
    assert np.array_equal(lrap_per_sentence(Y, S), _lrap_loop(Y, S))
    assert lrap(Y, S) == pytest.approx(label_ranking_average_precision_score(Y, S), abs=1e-12)
    assert lrap_per_sentence(np.array([[1, 0, 0]]), np.array([[0.1, 0.5, 0.9]])).tolist() == [1 / 3]


def test_loading_and_validating_a_config_loads_no_plotting_or_model_library():
    code = ("import sys, discourse\n"
            "from discourse.experiment import load_experiment, validate_inputs\n"
            "cfg = load_experiment('experiments/state_vs_ngo.toml')\n"
            "validate_inputs(cfg)\n"
            "from discourse import framing, topics\n"
            "from discourse.report import figures\n"
            "print(sorted(m for m in ('matplotlib', 'sklearn', 'gensim', 'tomotopy') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stderr


def test_lazy_package_exports_are_the_modules_objects():
    from discourse import framing, topics
    from discourse.framing.classifier import FramingClassifier as direct
    from discourse.topics.model import TopicModel

    assert framing.FramingClassifier is direct and topics.TopicModel is TopicModel
    assert set(framing.__all__) <= set(dir(framing))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        framing.nope
    code = ("import discourse.framing.explain, discourse.framing as f\n"      # the module first, then the name
            "print(callable(f.explain), 'sklearn' in __import__('sys').modules)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"], out.stderr


def _bars() -> pd.DataFrame:
    return pd.DataFrame({"term": ["外国人", "犯罪", "支援", "人権"], "G2": [12.0, 8.5, -7.0, -9.5]})


def test_figure_cache_copies_the_png_of_the_same_data_and_redraws_a_damaged_one(tmp_path):
    plain = figures.save(figures.keyness_bars(_bars(), measure="G2", title="国家 vs NGO"), tmp_path / "plain.png")
    with figures.figure_cache(tmp_path / "cache"):
        lazy = figures.keyness_bars(_bars(), measure="G2", title="国家 vs NGO")
        assert isinstance(lazy, figures.LazyFigure) and lazy._figure is None
        first = figures.save(lazy, tmp_path / "first.png")
        (entry,) = (tmp_path / "cache").glob("*.bin")
        again = figures.keyness_bars(_bars(), measure="G2", title="国家 vs NGO")
        second = figures.save(again, tmp_path / "second.png")
        assert again._figure is None                          # copied, never drawn
        other = figures.save(figures.keyness_bars(_bars().assign(G2=[12.0, 8.5, -7.0, -9.0]), measure="G2"), tmp_path / "o.png")
        entry.write_bytes(entry.read_bytes()[:200])           # damaged: redrawn, then stored again
        third = figures.save(figures.keyness_bars(_bars(), measure="G2", title="国家 vs NGO"), tmp_path / "third.png")
    assert plain.read_bytes() == first.read_bytes() == second.read_bytes() == third.read_bytes() != other.read_bytes()
    assert len(list((tmp_path / "cache").glob("*.bin"))) == 2


def test_figure_cache_repeats_the_missing_glyph_warning(tmp_path):
    df = pd.DataFrame({"term": ["𠮷野家", "犯罪"], "G2": [3.0, -2.0]})
    with figures.figure_cache(tmp_path / "cache"):
        for name in ("a.png", "b.png"):
            with pytest.warns(figures.MissingGlyphWarning, match=r"𠮷 \(U\+20BB7\)"):
                figures.save(figures.keyness_bars(df, measure="G2"), tmp_path / name)
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()


def test_figures_outside_a_run_are_matplotlib_figures(tmp_path):
    from matplotlib.figure import Figure

    fig = figures.keyness_bars(_bars(), measure="G2")
    assert isinstance(fig, Figure)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figures.save(fig, tmp_path / "k.png")
    assert not (tmp_path / ".discourse-cache").exists()


def test_font_subset_is_reused_inside_the_figure_cache_and_rebuilt_when_damaged(tmp_path):
    """The report's embedded font subset: the same bytes with and without the cache, one entry per
    character set, a damaged entry rebuilt (not trusted)."""
    import base64

    from fontTools.ttLib import TTFont

    from discourse.report import figures
    from discourse.report.html import embedded_font_css

    text = "外国人の犯罪と人権 abc"
    plain = embedded_font_css(text)
    with figures.figure_cache(tmp_path):
        first = embedded_font_css(text)
        entries = list(tmp_path.glob("*font-subset.bin"))
        assert len(entries) == 1
        assert embedded_font_css("".join(reversed(text))) == first          # same characters, same entry
        entries[0].write_bytes(entries[0].read_bytes()[:-7] + b"garbage")
        rebuilt = embedded_font_css(text)
        embedded_font_css(text + "治安")
    assert plain == first == rebuilt
    assert len(list(tmp_path.glob("*font-subset.bin"))) == 2
    data = base64.b64decode(first.split("base64,")[1].split(")")[0])
    import io

    cmap = TTFont(io.BytesIO(data)).getBestCmap()
    assert {ord(c) for c in "外国人犯罪権"} <= set(cmap) and ord("治") not in cmap

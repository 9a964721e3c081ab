"""The one saved-model format: every part checked on load; NotFittedError; nested CV scores; import cycles."""
from __future__ import annotations

import ast
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError as SklearnNotFittedError
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold
from sklearn.utils.validation import check_is_fitted

import discourse
from discourse._internal.bundle import BundleError
from discourse.corpus import Corpus, Document
from discourse.errors import ConfigError, DiscourseError, NotFittedError
from discourse.framing import FramingClassifier, load_gold_set, load_model, save_model
from discourse.framing.calibration import best_threshold
from discourse.framing.evaluate import sentence_inputs
from discourse.topics import TopicModel, synthetic_corpus, top_terms

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sim():
    return synthetic_corpus(n_docs=60, n_topics=3, n_terms=40, doc_length=40, random_state=2)


@pytest.fixture(scope="module")
def topic_model(sim):
    return TopicModel(3, passes=3, random_state=0).fit(sim.dtm)


@pytest.fixture(scope="module")
def gold():
    return load_gold_set()


def small(gold, n_docs):
    part = gold.train()
    keep = sorted(part["doc_id"].unique())[:n_docs]
    return sentence_inputs(part[part["doc_id"].isin(keep)], gold.frames)


@pytest.fixture(scope="module")
def frame_model(gold):
    X, Y = small(gold, 30)
    return FramingClassifier(cv=3, char_ngrams=(2, 3)).fit(X, Y)


@pytest.fixture
def saved(request, tmp_path, topic_model, frame_model):
    """(class, folder) of a freshly saved model of each kind."""
    model = topic_model if request.param == "topic" else frame_model
    return type(model), model.save(tmp_path / request.param)


# --- a hand-written bundle editor (independent of the writer) -----------------------------------
def _read(folder: Path) -> tuple[dict, dict]:
    record = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    with np.load(folder / "arrays.npz", allow_pickle=False) as npz:
        return record, {k: npz[k] for k in npz.files}


def _write(folder: Path, record: dict, arrays: dict, *, consistent: bool = True) -> None:
    """Write a bundle back; ``consistent`` re-records dtypes, shapes, sha256 and the JSON checksum,
    as a writer that produced these values would (so only the deeper checks can catch them)."""
    if consistent:
        record["arrays"] = {k: {"dtype": a.dtype.str, "shape": list(a.shape),
                                "sha256": hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()}
                            for k, a in arrays.items()}
        body = {k: v for k, v in record.items() if k != "checksum"}
        record["checksum"] = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    np.savez(folder / "arrays.npz", **arrays)
    (folder / "model.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


KINDS = ["topic", "frame"]
WEIGHTS = {"topic": "sstats", "frame": "coef"}      # the main (n_topics|n_frames, n_terms|n_features) array
SMALL = {"topic": "alpha", "frame": "intercept"}    # a per-topic / per-frame vector


# --- round trip and what the file records ---------------------------------------------------------
def test_topic_model_round_trip_and_record(tmp_path, sim, topic_model):
    folder = topic_model.save(tmp_path / "m")
    record, arrays = _read(folder)
    assert record["format"] == "discourse.model" and record["format_version"] == 1
    assert record["class"] == "TopicModel" and record["package_version"] == discourse.__version__
    assert record["params"] == {**topic_model.get_params(), "alpha": "symmetric"}
    assert record["state"]["vocab"] == list(sim.dtm.vocab)
    for name, a in arrays.items():
        assert record["arrays"][name] == {"dtype": a.dtype.str, "shape": list(a.shape),
                                          "sha256": hashlib.sha256(a.tobytes()).hexdigest()}
    np.testing.assert_array_equal(arrays["sstats"], topic_model.model_.state.sstats)
    again = TopicModel.load(folder / "model.json")          # a file of the folder works too
    np.testing.assert_array_equal(again.transform(sim.dtm).to_numpy(), topic_model.transform(sim.dtm).to_numpy())


def test_framing_round_trip_and_module_functions(tmp_path, gold, frame_model):
    folder = save_model(frame_model, tmp_path / "f")
    record, arrays = _read(folder)
    assert record["class"] == "FramingClassifier" and record["params"]["C"] == frame_model.C
    assert set(arrays) == {"coef", "intercept", "word_idf", "char_idf", "thresholds", "calibration", "exclusive"}
    again = load_model(folder)
    X, _ = small(gold, 35)
    np.testing.assert_array_equal(again.decision_function(X), frame_model.decision_function(X))
    pd.testing.assert_frame_equal(again.cv_scores_optimistic_, frame_model.cv_scores_optimistic_)


# --- every corruption is refused with the file and the fix named ------------------------------------
def _newer(record, arrays, kind):
    record["format_version"] = 2


def _not_a_version(record, arrays, kind):
    record["format_version"] = "1.0"


def _other_class(record, arrays, kind):
    record["class"] = "KeynessTable"


def _missing_array(record, arrays, kind):
    del arrays[SMALL[kind]]


def _extra_array(record, arrays, kind):
    arrays["backdoor"] = np.zeros(3)


def _shape(record, arrays, kind):
    arrays[WEIGHTS[kind]] = arrays[WEIGHTS[kind]][:, :-1].copy()


def _nan(record, arrays, kind):
    arrays[WEIGHTS[kind]] = arrays[WEIGHTS[kind]].copy()
    arrays[WEIGHTS[kind]][0, 0] = np.nan


def _vector_shape(record, arrays, kind):
    arrays[SMALL[kind]] = np.append(arrays[SMALL[kind]], 1.0)


def _hand_edit_json(record, arrays, kind):
    record["params"]["random_state"] = 12345           # a plausible hand edit


def _edit_array(record, arrays, kind):
    arrays[WEIGHTS[kind]] = arrays[WEIGHTS[kind]].copy()
    arrays[WEIGHTS[kind]][0, 0] += 0.25                 # same dtype and shape, other bytes


# (edit, rewrite the record to match?, expected message). With the record rewritten only the
# version, class, names, shape or value checks can fail; left as saved, the checksums must notice.
CORRUPTIONS = {
    "newer format version": (_newer, True, "format_version 2 is newer than this discourse reads.*upgrade discourse"),
    "not a format version": (_not_a_version, True, "format_version '1.0' is not a format version"),
    "another class": (_other_class, True, "holds a KeynessTable, not a (TopicModel|FramingClassifier).*KeynessTable.load"),
    "missing array": (_missing_array, True, r"missing \['(alpha|intercept)'\], extra \[\]"),
    "extra array": (_extra_array, True, r"missing \[\], extra \['backdoor'\]"),
    "shape against the vocabulary": (_shape, True, r"array '(sstats|coef)' has shape .* expected .*do not belong together"),
    "shape against n_topics / n_frames": (_vector_shape, True, r"array '(alpha|intercept)' has shape"),
    "NaN weights": (_nan, True, r"array '(sstats|coef)' holds 1 NaN or infinite values.*refit"),
    "hand-edited JSON": (_hand_edit_json, False, r"model.json: checksum mismatch: the file was edited"),
    "edited array": (_edit_array, False, r"arrays.npz: array '(sstats|coef)': checksum mismatch"),
}


@pytest.mark.parametrize("saved", KINDS, indirect=True)
@pytest.mark.parametrize("case", list(CORRUPTIONS))
def test_corrupted_bundles_are_refused_naming_the_file(saved, case):
    cls, folder = saved
    edit, consistent, message = CORRUPTIONS[case]
    record, arrays = _read(folder)
    edit(record, arrays, "topic" if cls is TopicModel else "frame")
    _write(folder, record, arrays, consistent=consistent)
    with pytest.raises(BundleError, match=message) as info:
        cls.load(folder)
    assert str(folder) in str(info.value)
    assert isinstance(info.value, ConfigError) and isinstance(info.value, DiscourseError)


@pytest.mark.parametrize("saved", KINDS, indirect=True)
def test_dtype_and_listing_disagreements_are_refused(saved):
    cls, folder = saved
    kind = "topic" if cls is TopicModel else "frame"
    record, arrays = _read(folder)
    arrays[SMALL[kind]] = arrays[SMALL[kind]].astype(np.float32)
    _write(folder, record, arrays, consistent=False)
    with pytest.raises(BundleError, match=r"is <f4 .* but model.json records <f8"):
        cls.load(folder)
    record, arrays = _read(folder)
    del arrays[SMALL[kind]]                             # the JSON still lists it
    _write(folder, record, arrays, consistent=False)
    with pytest.raises(BundleError, match=r"arrays found differ .* missing \['(alpha|intercept)'\]"):
        cls.load(folder)


@pytest.mark.parametrize("saved", KINDS, indirect=True)
def test_pickle_foreign_legacy_and_missing_files_are_refused(saved, tmp_path):
    cls, folder = saved
    record, arrays = _read(folder)
    _write(folder, record, {**arrays, "eta" if cls is TopicModel else "coef": np.array([{"x": 1}], dtype=object)},
           consistent=False)
    with pytest.raises(BundleError, match="only plain numeric arrays are accepted"):
        cls.load(folder)
    (folder / "arrays.npz").unlink()
    with pytest.raises(BundleError, match="arrays.npz: model arrays not found"):
        cls.load(folder)
    (folder / "model.json").write_text('{"format": "discourse-framing-classifier", "format_version": 1}', encoding="utf-8")
    with pytest.raises(BundleError, match="older discourse model format.*refit"):
        cls.load(folder)
    (folder / "model.json").write_text('{"format": "gensim"}', encoding="utf-8")
    with pytest.raises(BundleError, match="not a discourse model"):
        cls.load(folder)
    (folder / "model.json").write_text('{"format": ', encoding="utf-8")
    with pytest.raises(BundleError, match="not valid JSON"):
        cls.load(folder)
    with pytest.raises(BundleError, match="model.json: model file not found"):
        cls.load(tmp_path / "nowhere")


def test_a_model_of_the_other_class_is_named(tmp_path, topic_model):
    folder = topic_model.save(tmp_path / "t")
    with pytest.raises(BundleError, match=r"holds a TopicModel, not a FramingClassifier: load it with TopicModel.load"):
        FramingClassifier.load(folder)


def test_saving_non_finite_state_is_refused(tmp_path, frame_model):
    broken = FramingClassifier.load(frame_model.save(tmp_path / "ok"))
    broken.coef_ = broken.coef_.copy()
    broken.coef_[1, 2] = np.nan
    with pytest.raises(BundleError, match="'coef' holds NaN"):
        broken.save(tmp_path / "bad")
    assert not (tmp_path / "bad" / "model.json").exists()


# --- NotFittedError ---------------------------------------------------------------------------------
def _unfitted_calls(sim, X):
    corpus = Corpus([Document("d1", "治安が悪化した。", side="state")])
    return {
        TopicModel(3): {"transform": lambda m: m.transform(sim.dtm), "posterior": lambda m: m.posterior(sim.dtm),
                        "n_topics_": lambda m: m.n_topics_, "save": lambda m: m.save("never-written"),
                        "top_terms": lambda m: top_terms(m)},
        FramingClassifier(): {"transform": lambda m: m.transform(X), "predict": lambda m: m.predict(X),
                              "predict_proba": lambda m: m.predict_proba(X),
                              "predict_indicator": lambda m: m.predict_indicator(X),
                              "decision_function": lambda m: m.decision_function(X), "score": lambda m: m.score(X, [[]] * len(X)),
                              "code_corpus": lambda m: m.code_corpus(corpus), "save": lambda m: m.save("never-written"),
                              "explain": lambda m: m.explain("治安が悪化した。"), "top_features": lambda m: m.top_features()},
    }


def test_unfitted_estimators_raise_not_fitted_error(sim, gold, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    X, _ = small(gold, 2)
    for model, calls in _unfitted_calls(sim, X).items():
        name = type(model).__name__
        for method, call in calls.items():
            with pytest.raises(NotFittedError, match=rf"this {name} is not fitted yet: call fit first") as info:
                call(model)
            assert isinstance(info.value, ValueError) and isinstance(info.value, AttributeError), method
        with pytest.raises(SklearnNotFittedError):
            check_is_fitted(model)
    assert not (tmp_path / "never-written").exists()


def test_check_is_fitted_accepts_fitted_and_loaded_estimators(tmp_path, topic_model, frame_model):
    for model in (topic_model, frame_model):
        check_is_fitted(model)
        check_is_fitted(type(model).load(model.save(tmp_path / type(model).__name__)))


# --- honest cross-validation scores -------------------------------------------------------------------
def test_nested_cv_scores_use_thresholds_chosen_without_the_scored_documents(gold, monkeypatch):
    X, Y = small(gold, 40)
    seen, lengths = {}, []
    real_tune = FramingClassifier._tune

    def spy_tune(self, oof, Yo, groups):
        seen.update(oof=oof.copy(), Y=Yo.copy(), groups=groups.copy())
        return real_tune(self, oof, Yo, groups)

    def spy_threshold(scores, y):
        lengths.append(len(scores))
        return best_threshold(scores, y)

    monkeypatch.setattr(FramingClassifier, "_tune", spy_tune)
    monkeypatch.setattr("discourse.framing.classifier.best_threshold", spy_threshold)
    clf = FramingClassifier(cv=4, exclusive="none", char_ngrams=(2, 3), random_state=3).fit(X, Y)
    oof, Yo, groups = seen["oof"], seen["Y"], seen["groups"]
    # recompute independently: outer folds by document, thresholds from the other folds, sklearn's F1
    splitter = GroupKFold(n_splits=4, shuffle=True, random_state=3)
    P, counts = np.zeros_like(Yo), []
    for tune, scored in splitter.split(oof, groups=groups):
        assert not set(groups[tune]) & set(groups[scored])
        thr = [_threshold(oof[tune, j], Yo[tune, j]) for j in range(Yo.shape[1])]
        P[scored] = oof[scored] >= np.array(thr)
        counts.append((len(set(groups[tune])), len(tune), len(set(groups[scored])), len(scored)))
    np.testing.assert_allclose(clf.cv_scores_["f1"], f1_score(Yo, P, average=None, zero_division=0))
    folds = clf.cv_folds_
    assert list(folds[["n_tuning_docs", "n_tuning_sentences", "n_scored_docs", "n_scored_sentences"]]
                .itertuples(index=False, name=None)) == counts
    assert (folds["n_shared_docs"] == 0).all() and folds["n_scored_sentences"].sum() == len(Yo)
    assert (folds["n_tuning_docs"] + folds["n_scored_docs"] == len(set(groups))).all()
    # the final thresholds saw every out-of-fold sentence; each nested one only its tuning folds'
    assert set(lengths) == {len(Yo), *folds["n_tuning_sentences"]}
    optimistic = oof >= clf.thresholds_
    np.testing.assert_allclose(clf.cv_scores_optimistic_["f1"], f1_score(Yo, optimistic, average=None, zero_division=0))


# --- module structure: no import cycles, no plotting library at import time --------------------------
OWNED = ("discourse.topics", "discourse.topics.model", "discourse.topics.store", "discourse.topics.select",
         "discourse.topics.plots", "discourse.framing", "discourse.framing.persist", "discourse.framing.classifier",
         "discourse.framing.evaluate", "discourse.framing.scores", "discourse.framing.calibration",
         "discourse.framing.features", "discourse.cache")


def _modules(root: Path) -> dict[str, Path]:
    out = {}
    for f in sorted((root / "discourse").rglob("*.py")):
        parts = f.relative_to(root).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = f
    return out


def _module_level_imports(tree: ast.Module) -> list[ast.stmt]:
    """Import statements that run when the module is imported (not in functions, not TYPE_CHECKING)."""
    found, stack = [], list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            stack.extend(node.body + node.orelse if hasattr(node, "orelse") else node.body)
            stack.extend(s for h in getattr(node, "handlers", []) for s in h.body)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the package modules its module-level imports load (a package's ``__init__``
    included when one of its submodules is imported from outside it)."""
    mods = _modules(root)
    graph = {m: set() for m in mods}
    for m, f in mods.items():
        base = m.split(".") if f.name == "__init__.py" else m.split(".")[:-1]
        for node in _module_level_imports(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                pkg = ".".join(base[:len(base) - node.level + 1] + ([node.module] if node.module else [])) \
                    if node.level else node.module
                subs = [f"{pkg}.{a.name}" for a in node.names if f"{pkg}.{a.name}" in mods]
                targets = subs + ([pkg] if len(subs) < len(node.names) else [])
            for t in targets:
                while t in mods or "." in t:
                    if t in mods and t != m and not m.startswith(t + "."):
                        graph[m].add(t)
                    t = t.rpartition(".")[0]
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(comp)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_cycle_finder_finds_a_planted_cycle(tmp_path):
    pkg = tmp_path / "discourse"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("from .a import f\n")
    (pkg / "sub" / "a.py").write_text("from ..b import g\ndef f(): pass\n")
    (pkg / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .c import h\n"
                              "from .sub import f\ndef g(): pass\n")
    (pkg / "c.py").write_text("from .b import g\ndef h():\n    from . import b\n")
    assert cycles(import_graph(tmp_path)) == [{"discourse.sub", "discourse.sub.a", "discourse.b"}]


def test_no_module_level_import_cycle_through_the_estimator_files():
    owned = set(OWNED) | {m for m in _modules(ROOT) if m.startswith("discourse._internal")}
    bad = [sorted(c) for c in cycles(import_graph(ROOT)) if c & owned]
    assert bad == []


def test_shared_internals_sit_below_every_other_module():
    graph = import_graph(ROOT)
    allowed = {"discourse", "discourse.errors", "discourse.cache"}
    for module, targets in graph.items():
        if module.startswith("discourse._internal"):
            assert {t for t in targets if not t.startswith("discourse._internal")} <= allowed, module


def test_importing_the_model_packages_loads_no_plotting_library():
    code = ("import sys, discourse.topics, discourse.framing, discourse._internal.plotting; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'matplotlib_fontja')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": ""}, cwd=ROOT)
    assert out.stdout.strip() == "[]"


# --- shared internals against their references ------------------------------------------------------
def test_tfidf_helper_equals_scikit_learn():
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfTransformer

    from discourse._internal.tfidf import smooth_idf, tfidf

    rng = np.random.default_rng(4)
    dense = rng.poisson(0.6, size=(12, 9)) * (rng.random((12, 9)) < 0.5)
    dense[3] = 0                                             # an empty row stays empty
    counts = sparse.csr_matrix(dense)
    df = np.bincount(counts.indices, minlength=9)
    for norm in ("l2", "l1"):
        for smooth in (True, False):
            keep = df > 0 if not smooth else np.ones(9, bool)   # ln(n / 0) is undefined without smoothing
            ref = TfidfTransformer(norm=norm, smooth_idf=smooth, sublinear_tf=True).fit(counts[:, keep])
            np.testing.assert_allclose(smooth_idf(df[keep], 12, smooth=smooth), ref.idf_)
            got = tfidf(counts[:, keep], ref.idf_, sublinear=True, norm=norm)
            np.testing.assert_allclose(got.toarray(), ref.transform(counts[:, keep]).toarray(), atol=1e-12)


def test_prf_helpers_equal_scikit_learn():
    from sklearn.metrics import precision_recall_fscore_support

    from discourse._internal.scores import macro, micro, prf

    rng = np.random.default_rng(5)
    Y, P = rng.random((50, 4)) < 0.3, rng.random((50, 4)) < 0.3
    Y[:, 3] = P[:, 3] = False                                # a label with no gold and no prediction: 0
    per = prf(Y, P)
    p, r, f, s = precision_recall_fscore_support(Y, P, average=None, zero_division=0)
    np.testing.assert_allclose([per["precision"], per["recall"], per["f1"]], [p, r, f])
    np.testing.assert_array_equal(per["support"], s)
    ref = precision_recall_fscore_support(Y, P, average="micro", zero_division=0)
    got = micro(per)
    assert [got["precision"], got["recall"], got["f1"]] == pytest.approx(list(ref[:3]))
    # macro: the mean over the labels that occur (label 3 has no gold and no prediction and is left
    # out, as in the bootstrap intervals), i.e. scikit-learn's macro restricted to labels 0-2
    ref = precision_recall_fscore_support(Y, P, average="macro", labels=[0, 1, 2], zero_division=0)
    got = macro(per)
    assert [got["precision"], got["recall"], got["f1"]] == pytest.approx(list(ref[:3]))
    everything = precision_recall_fscore_support(Y, P, average="macro", zero_division=0)[2]
    assert got["f1"] == pytest.approx(everything * 4 / 3)                  # scikit-learn counts label 3 as 0


def test_interval_helpers():
    from discourse._internal.intervals import bootstrap_weights, percentile_interval

    w = bootstrap_weights(7, 200, np.random.default_rng(0))
    assert w.shape == (200, 7) and (w.sum(axis=1) == 7).all() and (w >= 0).all()
    draws = np.random.default_rng(1).normal(size=(1000, 3))
    low, high = percentile_interval(draws, 0.9)
    np.testing.assert_allclose(low, np.percentile(draws, 5, axis=0))
    np.testing.assert_allclose(high, np.percentile(draws, 95, axis=0))
    draws[:500, 0], draws[:, 1] = np.nan, np.nan
    low, high = percentile_interval(draws, 0.9, skip_nan=True)
    assert low[0] == pytest.approx(np.percentile(draws[500:, 0], 5)) and np.isnan(low[1]) and np.isnan(high[1])


@pytest.mark.parametrize("saved", KINDS, indirect=True)
def test_state_that_the_estimator_cannot_use_is_refused_naming_the_file(saved):
    cls, folder = saved
    record, arrays = _read(folder)
    key = "vocab" if cls is TopicModel else "word_vocabulary"
    del record["state"][key]
    _write(folder, record, arrays, consistent=True)
    with pytest.raises(BundleError, match=rf"model.json: the state lacks '{key}'"):
        cls.load(folder)
    record, arrays = _read(folder)
    record["state"][key] = []
    record["params"].update({"random_state": "seven"} if cls is TopicModel else {"C": -1.0})
    _write(folder, record, arrays, consistent=True)
    with pytest.raises(BundleError, match=r"model.json: the saved parameters are not valid here \((random_state|C)="):
        cls.load(folder)


def _threshold(scores, y):
    """The rule of FramingClassifier._choose, restated: no positive -> never; fewer than 5 positives ->
    the calibrated 0.5 cut (-b / a of the Platt fit); else the F1-optimal cut."""
    from discourse._internal.constants import MIN_PLATT_SLOPE
    from discourse.framing.calibration import platt

    if not y.any():
        return np.inf
    if y.sum() >= 5:
        return best_threshold(scores, y)
    a, b = platt(scores, y) if 0 < y.sum() < len(y) else (1.0, 0.0)
    a = a if a > 0 else MIN_PLATT_SLOPE
    return -b / a


def test_bootstrap_sums_in_blocks_equal_the_full_weight_matrix():
    """Drawn a block of resamples at a time (bounded memory), the sums are those of the full weight
    matrix, bit for bit, for counts; the random stream is the same."""
    from discourse._internal.intervals import bootstrap_sums, bootstrap_weights

    counts = np.random.default_rng(2).integers(0, 50, size=(1001, 3)).astype(float)
    full = bootstrap_weights(1001, 301, np.random.default_rng(9)) @ counts
    for cells in (1001, 5000, 1 << 20):
        assert np.array_equal(bootstrap_sums(counts, 301, np.random.default_rng(9), block_cells=cells), full)
    assert np.array_equal(bootstrap_sums(counts[:, 0], 301, np.random.default_rng(9), block_cells=3000), full[:, 0])

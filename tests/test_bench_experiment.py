"""Checks of ``benchmarks/experiment.py``: the hand-written baseline computes what it claims (G2
against scipy, thresholds against brute force, bootstrap intervals against a per-resample
scikit-learn loop), tokenizes as described, makes exactly as many logistic-regression fits as
the flagship's framing stage, and never imports ``discourse``.

The fit counts replace liblinear by a counting stub that returns zero coefficients, so no
model is really trained (the counts do not depend on the fitted values); the whole file takes
about 30 s and is marked slow.
"""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import chi2_contingency
from sklearn.metrics import f1_score

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks" / "experiment.py"


def _load():
    spec = importlib.util.spec_from_file_location("bench_experiment", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


be = _load()

STUB = '''
import numpy as np
import sklearn.linear_model._logistic as _logistic

CALLS = [0]


def _stub(X, y, *args, **kwargs):
    CALLS[0] += 1
    return np.zeros((1, X.shape[1])), np.zeros(1), np.array([1], dtype=np.int32)


_logistic._fit_liblinear = _stub
'''


def _install_stub(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The counting stub in this process, undone after the test."""
    import sklearn.linear_model._logistic as logistic

    calls = [0]

    def stub(X, y, *args, **kwargs):
        calls[0] += 1
        return np.zeros((1, X.shape[1])), np.zeros(1), np.array([1], dtype=np.int32)

    monkeypatch.setattr(logistic, "_fit_liblinear", stub)
    return calls


def test_g2_matches_scipy_log_likelihood() -> None:
    a, c, n_t, n_r = np.array([10.0, 3.0]), np.array([2.0, 30.0]), 100.0, 150.0
    got = be.g2_signed(a, c, n_t, n_r)
    want = [chi2_contingency([[a[i], c[i]], [n_t - a[i], n_r - c[i]]], correction=False, lambda_="log-likelihood")[0]
            for i in range(2)]
    assert got[0] == pytest.approx(want[0]) and got[0] > 0          # 10/100 vs 2/150: target-heavy
    assert got[1] == pytest.approx(-want[1]) and got[1] < 0         # 3/100 vs 30/150: reference-heavy
    assert be.g2_signed(np.array([10.0]), np.array([2.0]), 100.0, 100.0)[0] == pytest.approx(6.162591666)


def test_best_threshold_reaches_the_brute_force_f1() -> None:
    rng = np.random.default_rng(3)
    scores = rng.normal(size=200)
    y = (scores + rng.normal(size=200) > 0.8).astype(int)
    t = be.best_threshold(scores, y)
    cuts = np.sort(scores)
    best = max(f1_score(y, scores >= c) for c in cuts)
    assert f1_score(y, scores >= t) == pytest.approx(best)
    assert be.best_threshold(scores, np.zeros(200, int)) == float("inf")


def test_bootstrap_f1_matches_a_per_resample_sklearn_loop() -> None:
    rng = np.random.default_rng(0)
    docs = np.repeat([f"d{i}" for i in range(12)], 6)
    Y = rng.integers(0, 2, (len(docs), 3)).astype(np.int8)
    Y[::6] = 1                                                     # every frame positive in every document
    P = np.where(rng.random(Y.shape) < 0.8, Y, 1 - Y).astype(np.int8)
    got = be.bootstrap_f1(Y, P, docs, seed=7)
    ids = np.unique(docs)
    draws = np.random.default_rng(7).integers(0, len(ids), (be.N_BOOT, len(ids)))
    stats = []
    for row in draws:
        rows = np.concatenate([np.flatnonzero(docs == ids[k]) for k in row])
        per = f1_score(Y[rows], P[rows], average=None)
        stats.append([*per, per.mean(), f1_score(Y[rows], P[rows], average="micro")])
    want = np.quantile(np.array(stats), [0.025, 0.975], axis=0).T
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_tokenizer_joins_affixes_and_keeps_content_words() -> None:
    tok = be.Tokenizer()
    # checked by hand: 外国+人 and 滞在+者 (noun + suffix) joined; 不法 (形状詞) + 滞在 not (affix rule
    # only); particles, する and た dropped; 取締り -> lemma 取り締まり, による -> 因る (a verb).
    assert tok.document("来日外国人による犯罪が増加した。不法滞在者の取締りを強化する。", "ja") == [
        ["来日", "外国人", "因る", "犯罪", "増加"], ["不法", "滞在者", "取り締まり", "強化"]]
    assert tok.document("Foreign residents are not criminals.", "en") == [["foreign", "residents", "criminals"]]
    assert tok.sentence_lemmas("外国人の犯罪が増えた。", "ja") == "外国人 の 犯罪 が 増える た"


def test_same_number_of_fits_as_the_flagship_framing_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    from discourse.experiment import load_experiment
    from discourse.experiment.run import Context
    from discourse.experiment.stages import _evaluate_frames
    from discourse.framing import _tok
    from discourse.framing.classifier import FramingClassifier
    from discourse.load import read_corpus

    calls = _install_stub(monkeypatch)
    monkeypatch.chdir(ROOT)
    fit_one = FramingClassifier._fit_one
    framework_fits = []
    monkeypatch.setattr(FramingClassifier, "_fit_one", lambda self, X, y: framework_fits.append(1) or fit_one(self, X, y))
    cfg = load_experiment(ROOT / "experiments" / "state_vs_ngo.toml")
    ctx = Context(cfg, run=None)
    ctx.results["corpus"] = read_corpus(cfg.corpus.path)
    _tok.clear_cache()
    _evaluate_frames(ctx)
    framework_liblinear, calls[0] = calls[0], 0
    be.FrameModel.fits = 0
    be.frames(be.Tokenizer())
    # the fits the config asks for: (C tuning 20 if tune_C) + the held-out fit + 5 learning-curve fits, each
    # x (1 + 5 folds) x 10 frames; the framework reuses the held-out fit as the learning curve's last point
    assert be.FrameModel.fits == ((20 if be.tunes_C() else 0) + 6) * 6 * 10
    assert len(framework_fits) == be.FrameModel.fits - 6 * 10
    # frames constant in a fold are skipped by both (no liblinear call), so at most as many calls
    assert 0 < framework_liblinear < calls[0]


def test_baseline_process_never_imports_discourse(tmp_path: Path) -> None:
    code = STUB + f'''
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("b", {str(BENCH)!r})
b = importlib.util.module_from_spec(spec)
spec.loader.exec_module(b)
print(json.dumps(b.baseline(b.Path({str(tmp_path)!r}))))
'''
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["info"]["imported discourse"] is False
    assert out["info"]["binary logistic-regression fits"] == ((20 if be.tunes_C() else 0) + 6) * 6 * 10
    assert sorted(p.name for p in tmp_path.glob("*.png")) == sorted(
        f"{n}.png" for n in ("keyness", "collocates", "topics_by_side", "frames_by_side", "frames_f1", "learning_curve"))
    assert len(list(tmp_path.glob("*.csv"))) == 8
    assert set(out["steps"]) == {"imports", "tokenize", "keyness+collocations", "topics", "frames", "tables+figures"}

"""Do other settings of the frame classifier beat the shipped ones on real text?

    python corpora/real/settings_cv.py --corpus corpora/real/texts/corpus.jsonl [--variants a,b] [--seed 0]

Grouped 5-fold cross-validation on the real TRAINING documents only, as the settings table of
``corpora/real/README.md`` was made: each fold's model is fitted on the other folds' real sentences
(counted twice) plus the demo gold, and its out-of-fold predictions are pooled over the five folds
(``--seed``: the seed of the fold assignment). The test documents are not read. Variants are
overrides of :data:`~discourse.framing.pretrained.SETTINGS` (C, n-grams, block weights, ...), other
fitting tables (real weight, no demo gold), and four changes that need code the package does not
ship, defined here: thresholds tuned on the real documents' out-of-fold scores only
(``tune_real``), a document-context block (``docctx``: the mean cue counts of the other sentences
of the same document), a second-stage model over the first stage's scores (``stack``: label
co-occurrence, and with it the previous/next sentence's and the document's scores) and C chosen
per frame (``Cpf``).
"""
from __future__ import annotations

import argparse
import time
from typing import Any, Callable

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from discourse._internal.folds import grouped_folds
from discourse.framing.calibration import best_threshold
from discourse.framing.classifier import FramingClassifier, apply_exclusive
from discourse.framing.codebook import load_codebook
from discourse.framing.data import as_sentence_table, load_gold_set
from discourse.framing.evaluate import score_predictions
from discourse.framing.features import FeatureSpace, neighbour_counts
from discourse.framing.pretrained import REAL_WEIGHT, SETTINGS, real_gold

VARIANTS: dict[str, dict[str, Any]] = {
    "baseline": {}, "C3": {"C": 3.0}, "C30": {"C": 30.0},
    "char13": {"char_ngrams": (1, 3)}, "char14": {"char_ngrams": (1, 4)}, "char25": {"char_ngrams": (2, 5)},
    "nochar": {"char_ngrams": None}, "word1": {"word_ngrams": 1}, "word3": {"word_ngrams": 3},
    "mindf1": {"min_df": 1}, "mindf3": {"min_df": 3},
    "charw0.5": {"block_weights": (1.0, 0.5, 0.3)}, "wordw0.5": {"block_weights": (0.5, 1.0, 0.3)},
    "cue0.15": {"block_weights": (1.0, 1.0, 0.15)},
    "ctxw0.15": {"block_weights": (1.0, 1.0, 0.3, 0.5, 0.15)}, "ctxw0.6": {"block_weights": (1.0, 1.0, 0.3, 0.5, 0.6)},
    "nocontext": {"context": False}, "noexcl": {"exclusive": "none"}, "fixed": {"thresholds": "fixed"},
    "real1": {"_real_weight": 1}, "real3": {"_real_weight": 3}, "real4": {"_real_weight": 4}, "nodemo": {"_demo": False},
    "char14+word1": {"char_ngrams": (1, 4), "word_ngrams": 1},
    "char14+word1+C30": {"char_ngrams": (1, 4), "word_ngrams": 1, "C": 30.0},
    "tune_real": {"_tune_real": True},
    "docctx0.3": {"_docctx": 0.3}, "docctx0.6": {"_docctx": 0.6}, "docctx1.0": {"_docctx": 1.0},
    "stack": {"_stack": {}}, "stack_own": {"_stack": {"nbr": False, "doc": False}},
    "stack_nodoc": {"_stack": {"doc": False}}, "stack_C0.1": {"_stack": {"C": 0.1}},
    "Cpf": {"_Cpf": (3.0, 10.0, 30.0)},
}


def doc_mean(values: np.ndarray, docs) -> np.ndarray:
    """Each row's mean of the other rows of its run of one document (zeros for a lone sentence);
    runs, not ids, so the two copies of a real document in a fitting table stay apart.

    >>> doc_mean(np.array([[1.0], [3.0], [5.0], [7.0]]), ["a", "a", "b", "a"]).ravel().tolist()
    [3.0, 1.0, 0.0, 0.0]
    """
    d = np.asarray([str(x) for x in docs], dtype=object)
    run = np.concatenate([[0], np.cumsum(d[1:] != d[:-1])]) if len(d) else np.zeros(0, int)
    total = np.zeros((run.max() + 1 if len(run) else 0, values.shape[1]))
    np.add.at(total, run, values)
    others = np.bincount(run)[run] - 1.0
    return np.where(others[:, None] > 0, (total[run] - values) / np.maximum(others, 1)[:, None], 0.0)


class DocContextSpace(FeatureSpace):
    """The shipped blocks and, after them, the document mean of the log cue counts (times ``weight``)."""

    weight = 0.0

    def _extra_blocks(self, counts, texts, languages, docs):
        blocks = super()._extra_blocks(counts, texts, languages, docs)
        return blocks + [sp.csr_matrix(self.weight * doc_mean(np.log1p(counts), docs))]

    def _stack(self, blocks):
        n = 3 + bool(self.markers) + bool(self.context)
        return sp.hstack([super()._stack(blocks[:n]), *blocks[n:]], format="csr")


class Variant(FramingClassifier):
    """The shipped classifier with the experimental changes of ``options`` (none: the shipped one)."""

    options: dict[str, Any] = {}
    real_docs: set = set()

    def _feature_space(self) -> FeatureSpace:
        base = super()._feature_space()
        if "_docctx" not in self.options:
            return base
        space = DocContextSpace(word_ngrams=base.word_ngrams, char_ngrams=base.char_ngrams, min_df=base.word.min_df,
                                weights=base.weights, cue_matcher=base.cues, markers=base.markers, context=base.context)
        space.weight = self.options["_docctx"]
        return space

    def _tune(self, oof, Y, groups):
        if self.options.get("_tune_real"):        # thresholds and calibration from the real documents only
            keep = np.isin(groups, list(self.real_docs))
            oof, Y, groups = oof[keep], Y[keep], groups[keep]
        super()._tune(oof, Y, groups)

    def _fit_linear(self, Xm, Y, groups):
        if "_Cpf" not in self.options:
            fitted = super()._fit_linear(Xm, Y, groups)
        else:                                      # per frame, the C whose out-of-fold F1 is best
            shipped, by_c = self.C, {}
            for c in self.options["_Cpf"]:
                self.C = c
                by_c[c] = super()._fit_linear(Xm, Y, groups)
            self.C = shipped
            coef, intercept, oof, rows = (np.array(a, copy=True) for a in by_c[shipped])
            for j in range(Y.shape[1]):
                best = max(by_c, key=lambda c: (_best_f1(by_c[c][2][:, j], Y[rows, j]), c == shipped))
                coef[j], intercept[j], oof[:, j] = by_c[best][0][j], by_c[best][1][j], by_c[best][2][:, j]
            fitted = coef, intercept, oof, rows
        self._oof = fitted[2:]
        return fitted

    def fit(self, X, y, groups=None, **kw):
        super().fit(X, y, groups=groups, **kw)
        if "_stack" in self.options:
            self._fit_stack(as_sentence_table(X), self._targets(y, len(X)), np.asarray(groups, dtype=object))
        return self

    def _stack_inputs(self, scores: np.ndarray, docs) -> np.ndarray:
        opts = self.options["_stack"]
        parts = [scores] + ([neighbour_counts(scores, docs)] if opts.get("nbr", True) else [])
        return np.hstack(parts + ([doc_mean(scores, docs)] if opts.get("doc", True) else []))

    def _fit_stack(self, table: pd.DataFrame, Y: np.ndarray, groups: np.ndarray) -> None:
        """Second stage: per frame a logistic regression over the first stage's (gated) out-of-fold
        scores; its threshold from its own grouped out-of-fold scores."""
        oof, rows = self._oof
        scores = np.zeros_like(oof)
        scores[rows] = oof
        Z = self._stack_inputs(self._gate(table, scores), table["doc_id"].tolist())
        C2, folds = self.options["_stack"].get("C", 1.0), grouped_folds(groups, 5, random_state=self.random_state)
        fit = lambda rows_, y_: LogisticRegression(C=C2, class_weight="balanced", max_iter=2000).fit(Z[rows_], y_)  # noqa: E731
        self.stack_ = []
        for j in range(Y.shape[1]):
            y = Y[:, j]
            out = np.zeros(len(y))
            for tr, va in folds:
                out[va] = fit(tr, y[tr]).decision_function(Z[va]) if 0 < y[tr].sum() < len(tr) else -1e9
            self.stack_.append((fit(np.arange(len(y)), y) if 0 < y.sum() < len(y) else None,
                                best_threshold(out, y) if y.sum() >= 5 else 0.0))

    def predict_indicator(self, X) -> np.ndarray:
        if "_stack" not in self.options:
            return super().predict_indicator(X)
        table = as_sentence_table(X)
        Z = self._stack_inputs(self.decision_function(table), table["doc_id"].tolist())
        margins = np.column_stack([(m.decision_function(Z) if m is not None else np.full(len(Z), -1e9)) - t
                                   for m, t in self.stack_])
        if self.denial == "suppress":              # the denial gate again, on the second stage
            from discourse.framing.markers import denies_claim, load_markers

            cols = [j for j, f in enumerate(self.frames_) if f in load_markers().denial_frames]
            denied = [denies_claim(t, lang) for t, lang in zip(table["text"], table["language"])]
            block = np.ix_(np.flatnonzero(denied), cols)
            margins[block] = np.minimum(margins[block], -1.0)
        return apply_exclusive(margins, self.exclusive_)


def _best_f1(scores: np.ndarray, y: np.ndarray) -> float:
    if not y.any():
        return 0.0
    pred = scores >= best_threshold(scores, y)
    return 2 * float((pred & (y == 1)).sum()) / (pred.sum() + y.sum())


def fit_table(real_part: pd.DataFrame, demo: pd.DataFrame, frames: list[str], real_weight: int = REAL_WEIGHT,
              with_demo: bool = True) -> pd.DataFrame:
    cols = ["doc_id", "text", "language", *frames]
    return pd.concat([real_part[cols]] * real_weight + ([demo[cols]] if with_demo else []), ignore_index=True)


def make_variant(options: dict[str, Any], real_docs) -> Variant:
    clf = Variant(**{**SETTINGS, **{k: v for k, v in options.items() if not k.startswith("_")}})
    clf.options, clf.real_docs = options, set(real_docs)
    return clf


def cross_validate(name: str, train: pd.DataFrame, demo: pd.DataFrame, frames: list[str], folds,
                   make: Callable[[pd.DataFrame], Any], real_weight: int = REAL_WEIGHT, with_demo: bool = True
                   ) -> tuple[dict[str, Any], pd.Series]:
    """Pooled out-of-fold scores of the models ``make(real_fit_rows)`` over ``folds`` of ``train``:
    the table row (pooled macro-F1, mean of the folds' macro-F1, no-frame sentences given a frame)
    and the per-frame F1."""
    t0 = time.time()
    P = np.zeros((len(train), len(frames)), dtype=np.int8)
    fold_f1 = []
    for fit_rows, held in folds:
        fit_on = fit_table(train.iloc[fit_rows], demo, frames, real_weight, with_demo)
        clf = make(train.iloc[fit_rows]).fit(fit_on[["doc_id", "text", "language"]], fit_on[frames], groups=fit_on["doc_id"])
        part = train.iloc[held].sort_values(["doc_id", "order"], kind="stable")
        idx = part.index.to_numpy()
        P[idx] = clf.predict_indicator(part[["doc_id", "text", "language"]])
        fold_f1.append(score_predictions(name, part, part[frames].to_numpy(), P[idx], None, frames, n_boot=0)
                       .summary["macro_f1"])
    Y = train[frames].to_numpy()
    ev = score_predictions(name, train, Y, P, None, frames, n_boot=0)
    none = Y.sum(axis=1) == 0
    row = {"variant": name, "macro_f1_pooled": round(ev.summary["macro_f1"], 3),
           "mean_of_folds": round(float(np.mean(fold_f1)), 3), "micro_f1": round(ev.summary["micro_f1"], 3),
           "no_frame_given_a_frame": round(float((P[none].sum(axis=1) > 0).mean()), 3), "seconds": round(time.time() - t0)}
    return row, ev.scores.set_index("frame")["f1"].round(2)


def run_variants(specs: dict[str, tuple[Callable[[pd.DataFrame], Any], int, bool]], train: pd.DataFrame,
                 demo: pd.DataFrame, frames: list[str], folds) -> None:
    """:func:`cross_validate` each variant (``name: (make, real_weight, with_demo)``), printing its
    row as it finishes, then the table and the per-frame F1 of all."""
    rows, per_frame = [], {}
    for name, (make, real_weight, with_demo) in specs.items():
        row, per_frame[name] = cross_validate(name, train, demo, frames, folds, make, real_weight, with_demo)
        rows.append(row)
        print(row, flush=True)
    print(pd.DataFrame(rows).to_string(index=False))
    print(pd.DataFrame(per_frame).to_string())


def training_folds(real: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, list]:
    """The real training sentences and their grouped folds (``seed``: the fold assignment)."""
    train = real[real["split"] == "train"].reset_index(drop=True)
    return train, grouped_folds(train["doc_id"].to_numpy(dtype=object), 5, random_state=seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--seed", type=int, default=0, help="seed of the fold assignment")
    args = parser.parse_args()
    frames = list(load_codebook().ids)
    train, folds = training_folds(real_gold(args.corpus), args.seed)
    gs = load_gold_set()
    demo = gs.labels.assign(language=gs.language)
    print(f"real training: {len(train)} sentences, {train['doc_id'].nunique()} documents; demo gold {len(demo)}; "
          f"fold seed {args.seed}")
    specs = {name: (lambda part, o=VARIANTS[name]: make_variant(o, part["doc_id"].unique()),
                    VARIANTS[name].get("_real_weight", REAL_WEIGHT), VARIANTS[name].get("_demo", True))
             for name in args.variants.split(",")}
    run_variants(specs, train, demo, frames, folds)


if __name__ == "__main__":
    main()

"""Do static word vectors (GiNZA's ``ja_ginza`` wheel) help the frame classifier on real text?

    python corpora/real/vectors_cv.py --corpus corpora/real/texts/corpus.jsonl --vocab DIR [--test VARIANT]

Grouped 5-fold cross-validation on the real TRAINING documents only, as the settings table of
``corpora/real/README.md`` was made: each fold's model is fitted on the other folds' real sentences
(counted twice) plus the demo gold, with the shipped settings, and its out-of-fold predictions are
pooled over the five folds. Variants: the shipped features (baseline) and the same plus a dense
block, the mean GiNZA vector of the sentence's tokens (L2-normalized, Japanese sentences only),
times a block weight, optionally with the mean vectors of the previous and next sentence.
``--test VARIANT`` scores one variant once on the held-out test documents (only for a variant
that beat the baseline in cross-validation). ``--vocab`` is the ``vocab`` folder of ``ja_ginza``
(installed, or unpacked from its wheel); default: the installed package.
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
import scipy.sparse as sp

from discourse.framing.classifier import FramingClassifier
from discourse.framing.codebook import load_codebook
from discourse.framing.evaluate import score_predictions
from discourse.framing.features import FeatureSpace, neighbour_counts
from discourse.framing.pretrained import REAL_WEIGHT, SETTINGS, real_gold
from discourse.framing.data import load_gold_set
from discourse.framing.vectors import load_vectors, sentence_vectors
from settings_cv import fit_table, run_variants, training_folds

VARIANTS = {"baseline": None, "vec0.3": (0.3, False), "vec0.6": (0.6, False), "vec1.0": (1.0, False),
            "vec0.6+ctx": (0.6, True),
            "vec1.5": (1.5, False), "vec2.0": (2.0, False), "vec1.0idf": (1.0, False, "idf"), "vec1.0+ctx": (1.0, True)}


class VectorSpace(FeatureSpace):
    """The shipped feature blocks and, after them, the sentence's mean word vector (and its neighbours')."""

    def __init__(self, *, vectors, vec_weight: float, vec_context: bool, idf: bool = False, **kw):
        super().__init__(**kw)
        self.vectors, self.vec_weight, self.vec_context, self.idf = vectors, vec_weight, vec_context, idf

    def _vec(self, tokens, languages, docs) -> sp.csr_matrix:
        weight = None
        if self.idf:      # the idf of the lemma in the fitted word block (unseen lemmas: the largest idf)
            table = dict(zip(self.word.vocabulary, self.word.idf.tolist()))
            top = float(self.word.idf.max()) if len(self.word.idf) else 1.0
            weight = lambda lem: table.get(lem, top)  # noqa: E731
        X = sentence_vectors(self.vectors, tokens, weight)
        X[np.asarray(languages) != "ja"] = 0.0
        if self.vec_context:
            X = np.hstack([X, 0.5 * neighbour_counts(X, docs)])
        return sp.csr_matrix(self.vec_weight * X)

    def fit_transform(self, tokens, texts, languages, docs=None):
        return sp.hstack([super().fit_transform(tokens, texts, languages, docs), self._vec(tokens, languages, docs)], format="csr")

    def transform(self, tokens, texts, languages, docs=None):
        return sp.hstack([super().transform(tokens, texts, languages, docs), self._vec(tokens, languages, docs)], format="csr")


class VectorClassifier(FramingClassifier):
    vec = None          # (weight, context) or None: the shipped classifier
    vocab = None

    def _feature_space(self) -> FeatureSpace:
        base = super()._feature_space()
        if self.vec is None:
            return base
        space = VectorSpace(vectors=load_vectors(self.vocab), vec_weight=self.vec[0], vec_context=self.vec[1],
                            idf=len(self.vec) > 2,
                            word_ngrams=base.word_ngrams, char_ngrams=base.char_ngrams, min_df=base.word.min_df,
                            weights=base.weights, cue_matcher=base.cues, markers=base.markers, context=base.context)
        return space


def model(vec, vocab) -> VectorClassifier:
    clf = VectorClassifier(**SETTINGS)
    clf.vec, clf.vocab = vec, vocab
    return clf


def paired_difference(test: pd.DataFrame, Y: np.ndarray, P0: np.ndarray, P1: np.ndarray, frames: list[str],
                      n_boot: int = 1000) -> dict[str, float]:
    """Macro-F1 of ``P1`` minus ``P0`` on the same sentences, with a 95% interval from resampling documents."""
    from discourse._internal.scores import macro, prf

    docs = test["doc_id"].to_numpy()
    uniq = np.unique(docs)
    where = {d: np.flatnonzero(docs == d) for d in uniq}
    rng = np.random.default_rng(0)
    diff = lambda rows: macro(prf(Y[rows], P1[rows]))["f1"] - macro(prf(Y[rows], P0[rows]))["f1"]  # noqa: E731
    boot = [diff(np.concatenate([where[d] for d in rng.choice(uniq, len(uniq))])) for _ in range(n_boot)]
    return {"difference": round(float(diff(np.arange(len(Y)))), 3), "low": round(float(np.quantile(boot, 0.025)), 3),
            "high": round(float(np.quantile(boot, 0.975)), 3), "share_above_0": round(float(np.mean(np.array(boot) > 0)), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--vocab", default=None)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--seed", type=int, default=0, help="seed of the fold assignment")
    parser.add_argument("--test", default=None, help="score this variant once on the held-out test documents")
    args = parser.parse_args()
    frames = list(load_codebook().ids)
    real = real_gold(args.corpus)
    gs = load_gold_set()
    demo = gs.labels.assign(language=gs.language)
    if args.test:
        train, test = real[real["split"] == "train"], real[real["split"] == "test"].reset_index(drop=True)
        fit_on = fit_table(train, demo, frames)
        Y, preds = test[frames].to_numpy(), {}
        for name in args.test.split(","):
            t0 = time.time()
            clf = model(VARIANTS[name], args.vocab).fit(fit_on[["doc_id", "text", "language"]], fit_on[frames],
                                                       groups=fit_on["doc_id"])
            P = preds[name] = clf.predict_indicator(test[["doc_id", "text", "language"]])
            ev = score_predictions(name, test, Y, P, None, frames, n_boot=1000)
            s = ev.summary
            print(f"HELD-OUT {name}: macro-F1 {s['macro_f1']:.3f} ({s['macro_f1_low']:.3f}-{s['macro_f1_high']:.3f}) "
                  f"on {s['n_sentences']} sentences, {s['n_docs']} documents, {time.time() - t0:.0f}s", flush=True)
            print(ev.scores[["frame", "precision", "recall", "f1", "support"]].round(3).to_string(index=False))
        if len(preds) == 2:
            print("paired document bootstrap of the difference:", paired_difference(test, Y, *preds.values(), frames))
        return
    train, folds = training_folds(real, args.seed)
    print(f"real training: {len(train)} sentences, {train['doc_id'].nunique()} documents; demo gold {len(demo)}")
    run_variants({name: (lambda _, v=VARIANTS[name]: model(v, args.vocab), REAL_WEIGHT, True)
                  for name in args.variants.split(",")}, train, demo, frames, folds)


if __name__ == "__main__":
    main()

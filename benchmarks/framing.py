"""Benchmark: FramingClassifier vs a plain scikit-learn pipeline on the same features, same run.

    python benchmarks/framing.py [--train 20000] [--predict 100000]

Data: the demo corpus's gold sentences replicated with variation until there are 20,000
training and 100,000 prediction sentences: every copy gets its digits redrawn at random and, with
probability 1/2, a sentence connective prepended (また、/ さらに、/ 一方、/ なお、; English
"Moreover, " ...), so copies are not byte-identical (the tokenizer cache cannot serve them);
labels are the original sentence's gold frames.

(a) ``discourse``: ``FramingClassifier()`` with its defaults: package tokens with compounds, lemma
    uni+bigrams, character 2-4-grams, codebook cue counts, one-vs-rest logistic regression, plus
    what the plain pipeline does not do: out-of-fold scores from a grouped cross-validation for
    per-frame thresholds and Platt calibration (at 20,000 sentences, ``oof_sentences=4000`` fits
    1 of the 5 folds: a grouped 80/20 validation split), and exclusive-pair resolution.
(b) plain: ``make_pipeline(FeatureUnion([TfidfVectorizer(analyzer=<the same lemma n-grams from the
    same package tokenizer>), TfidfVectorizer(analyzer="char", ngram_range=(2, 4))]),
    OneVsRestClassifier(LogisticRegression(...)))`` with the same C, class weights and solver
    (liblinear, dual) as (a), fitted once.

The sentence-token cache is cleared before every timed step, so both pipelines tokenize. Prints
the times and the ratios (a)/(b); the target is <= 1.5 for fit and for predict.

    python benchmarks/framing.py --evaluation

times instead the flagship's framing evaluation (``evaluate_demo`` with C = 10, the learning curve,
500 bootstrap resamples) twice in one process: with every sentence's features extracted once
(:class:`~discourse.framing.features.FeatureCache`, the default) and with the cache switched off
(each fit extracts its sentences' features from the strings, as before), checks that both give
the same tables, and prints the ratio.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.multiclass import OneVsRestClassifier  # noqa: E402
from sklearn.pipeline import FeatureUnion, make_pipeline  # noqa: E402

from discourse.framing import FramingClassifier, detect_language, load_gold_set  # noqa: E402
from discourse.framing._tok import clear_cache, sentence_tokens  # noqa: E402
from discourse.framing.features import word_features  # noqa: E402
from _results import Result, write_results  # noqa: E402

CONNECTIVES = {"ja": ["また、", "さらに、", "一方、", "なお、"], "en": ["Moreover, ", "In addition, ", "Meanwhile, ", "Note that "]}


def replicate(texts: list[str], langs: list[str], Y: np.ndarray, docs: list[str], n: int, seed: int):
    """``n`` varied copies (texts, languages, labels, doc ids) drawn round-robin from the originals."""
    rng = random.Random(seed)
    digit = re.compile(r"\d")
    out_t, out_l, rows, out_d = [], [], [], []
    for k in range(n):
        i = k % len(texts)
        text = digit.sub(lambda m: str(rng.randrange(10)), texts[i])
        if rng.random() < 0.5:
            c = rng.choice(CONNECTIVES[langs[i]])
            text = c + (text[0].lower() + text[1:] if langs[i] == "en" else text)
        out_t.append(text)
        out_l.append(langs[i])
        rows.append(i)
        out_d.append(f"{docs[i]}#{k // len(texts)}")
    return out_t, out_l, Y[rows], out_d


def plain_pipeline(C: float) -> object:
    def words(text: str) -> list[str]:
        toks = sentence_tokens(text, detect_language(text))
        return word_features(toks.lemma, toks.pos, 2)

    features = FeatureUnion([("word", TfidfVectorizer(analyzer=words, sublinear_tf=True, min_df=2)),
                             ("char", TfidfVectorizer(analyzer="char", ngram_range=(2, 4), sublinear_tf=True, min_df=2))])
    lr = LogisticRegression(C=C, class_weight="balanced", solver="liblinear", dual=True, max_iter=1000, random_state=0)
    return make_pipeline(features, OneVsRestClassifier(lr))


def timed(fn, *args):
    clear_cache()
    t = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t


def evaluation() -> None:
    """The flagship's framing evaluation with and without features extracted once."""
    from discourse.framing import demo, evaluate

    gold = load_gold_set()

    def run(shared: bool):
        original = evaluate.feature_cache
        off = lambda *args, **kwargs: None  # noqa: E731
        demo.feature_cache = evaluate.feature_cache = original if shared else off
        try:
            cpu = time.process_time()
            out, wall = timed(lambda: demo.evaluate_demo(gold, C=10.0, n_boot=500, learning=True, n_repeats=1, random_state=42))
            return out, wall, time.process_time() - cpu
        finally:
            demo.feature_cache = evaluate.feature_cache = original

    (plain, w_plain, c_plain), (fast, w_fast, c_fast) = run(False), run(True)
    same = all(a.equals(b) for a, b in zip(plain.tables().values(), fast.tables().values()))
    print(f"framing evaluation of the flagship (C = 10, learning curve, 500 resamples; each run tokenizes):\n"
          f"  features per fit {w_plain:.1f} s (CPU {c_plain:.1f} s), extracted once {w_fast:.1f} s (CPU {c_fast:.1f} s): "
          f"{w_plain / w_fast:.2f}x faster (CPU {c_plain / c_fast:.2f}x); tables identical: {same}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", type=int, default=20000)
    ap.add_argument("--predict", type=int, default=100000)
    ap.add_argument("--evaluation", action="store_true", help="time the flagship's framing evaluation instead")
    args = ap.parse_args()
    if args.evaluation:
        evaluation()
        return
    gold = load_gold_set()
    texts, langs = gold.labels["text"].tolist(), list(gold.language)
    Y, docs = gold.Y(gold.labels), gold.labels["doc_id"].tolist()
    tr_t, tr_l, tr_Y, tr_d = replicate(texts, langs, Y, docs, args.train, seed=1)
    pr_t, pr_l, _, pr_d = replicate(texts, langs, Y, docs, args.predict, seed=2)
    import pandas as pd

    X_train = pd.DataFrame({"text": tr_t, "language": tr_l, "doc_id": tr_d})
    X_pred = pd.DataFrame({"text": pr_t, "language": pr_l, "doc_id": pr_d})
    print(f"data: {len(gold.labels)} demo gold sentences replicated with variation (digits redrawn, a connective "
          f"prepended to half): fit on {len(X_train):,}, predict {len(X_pred):,}")
    ours = FramingClassifier()
    plain = plain_pipeline(ours.C)
    _, fit_a = timed(ours.fit, X_train, tr_Y)
    _, fit_b = timed(plain.fit, tr_t, tr_Y)
    pa, pred_a = timed(ours.predict_indicator, X_pred)
    pb, pred_b = timed(plain.predict, pr_t)
    agree = float((pa == pb).mean())
    print(f"{'':40}{'fit':>10}{'predict':>10}")
    print(f"{'(a) discourse FramingClassifier()':40}{fit_a:9.1f}s{pred_a:9.1f}s")
    print(f"{'(b) plain TfidfVectorizer + LR':40}{fit_b:9.1f}s{pred_b:9.1f}s")
    print(f"{'ratio (a)/(b), target <= 1.5':40}{fit_a / fit_b:10.2f}{pred_a / pred_b:10.2f}")
    n_folds = len(ours._tuning_folds(len(X_train), X_train["doc_id"].to_numpy()))
    write_results("framing", [
        Result(f"FramingClassifier fit on {len(X_train):,} sentences vs TfidfVectorizer + LogisticRegression",
               fit_a / fit_b, "x", "<= 1.5", f"{fit_a:.1f} s vs {fit_b:.1f} s; (a) also tunes thresholds and calibrates"),
        Result(f"FramingClassifier predict on {len(X_pred):,} sentences vs TfidfVectorizer + LogisticRegression",
               pred_a / pred_b, "x", "<= 1.5", f"{pred_a:.1f} s vs {pred_b:.1f} s; decisions agree on {agree:.1%}")],
        args=args, parser=ap)
    print(f"(a) also tunes thresholds and Platt calibration on grouped out-of-fold scores ({n_folds} of 5 folds fitted "
          f"for {len(X_train):,} sentences, oof_sentences=4000), adds cue features and resolves exclusive pairs; "
          f"decisions of (a) and (b) agree on {agree:.2%} of sentence-frame cells")


if __name__ == "__main__":
    main()

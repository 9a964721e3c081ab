"""Benchmark: keyness (every measure) and collocations on >= 1,000,000 tokens, one core.

The corpus is the demo corpus (``corpora/demo/corpus.jsonl``) tokenized with
``discourse.tokenize.tokenize`` and replicated; while the tokenizer is not available it is a
synthetic Zipfian corpus built with ``Tokens.from_lists``. Targets: each call under 2 s.
The baseline is a plain ``numpy.bincount`` over all term ids (the least any count must cost).

Run: ``.venv/bin/python benchmarks/metrics.py [--tokens 1000000] [--strict]``
"""
from __future__ import annotations

import os
import sys


for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import time  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Callable  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from discourse.dtm import DocTermMatrix  # noqa: E402
from discourse.metrics import collocations, keyness, kwic  # noqa: E402
from discourse.metrics.keyness import MEASURES  # noqa: E402
from discourse.tokens import Tokens  # noqa: E402
from _results import Result, write_results  # noqa: E402

TARGET_SECONDS = 2.0
SIDES = ("state", "ngo", "media")


def synthetic(n_docs: int = 400, vocab_size: int = 20_000, mean_len: int = 250, random_state: int = 0) -> Tokens:
    """Zipfian documents (exponent 1.1) with ~25-token sentences and three sides."""
    rng = np.random.default_rng(random_state)
    ranks = np.arange(1, vocab_size + 1)
    p = ranks ** -1.1
    p /= p.sum()
    docs, sents = [], []
    for d in range(n_docs):
        n = int(rng.integers(mean_len // 2, mean_len * 3 // 2))
        docs.append([f"w{i}" for i in rng.choice(vocab_size, size=n, p=p)])
        sents.append(list(np.arange(n) // 25))
    docvars = pd.DataFrame({"side": [SIDES[d % 3] for d in range(n_docs)], "year": [2000 + d % 10 for d in range(n_docs)]},
                           index=pd.Index([f"doc{d}" for d in range(n_docs)], name="doc_id"))
    return Tokens.from_lists(docs, docvars, sentences=sents)


def demo_tokens() -> Tokens | None:
    """The tokenized demo corpus, or None while the corpus or the tokenizer is missing."""
    path = ROOT / "corpora" / "demo" / "corpus.jsonl"
    try:
        from discourse.tokenize import tokenize
    except ImportError:
        return None
    if not path.exists():
        return None
    from discourse import read_corpus

    return tokenize(read_corpus(path))


def replicate(tokens: Tokens, min_tokens: int) -> Tokens:
    """Concatenate copies of ``tokens`` until there are at least ``min_tokens`` (doc_ids get ``#k``)."""
    times = max(1, -(-min_tokens // max(tokens.n_tokens, 1)))
    sizes = np.tile(np.diff(tokens.doc_ptr), times)
    docvars = pd.concat([tokens.docvars.set_axis([f"{i}#{k}" for i in tokens.docvars.index], axis=0) for k in range(times)])
    docvars.index.name = tokens.docvars.index.name
    return replace(tokens, ids=np.tile(tokens.ids, times), starts=np.tile(tokens.starts, times),
                   ends=np.tile(tokens.ends, times), sent=np.tile(tokens.sent, times), pos_ids=np.tile(tokens.pos_ids, times),
                   doc_ptr=np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64), docvars=docvars,
                   texts=tokens.texts * times)


def timed(fn: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    """Best wall time of ``repeat`` runs, and the last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def pick_node(tokens: Tokens) -> str:
    if "外国人" in tokens.vocab_index:
        return "外国人"
    freq = tokens.term_frequencies()
    return str(freq.index[min(10, len(freq) - 1)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=1_000_000, help="minimum corpus size in tokens")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a timing misses the 2 s target")
    args = parser.parse_args(argv)
    base = demo_tokens()
    source = "demo corpus (tokenized)" if base is not None else "synthetic Zipfian corpus (tokenizer not available yet)"
    base = base if base is not None else synthetic()
    toks = replicate(base, args.tokens)
    print(f"corpus: {source}; {len(base)} documents x{len(toks) // len(base)} = {len(toks)} documents, "
          f"{toks.n_tokens:,} tokens, {len(toks.vocab):,} terms")
    baseline, _ = timed(lambda: np.bincount(toks.ids, minlength=len(toks.vocab)))
    print(f"{'baseline: numpy.bincount of all ids':48s} {baseline:7.3f} s")
    results = {}
    for measure in MEASURES:
        results[f"keyness measure={measure}"] = timed(lambda m=measure: keyness(toks, by="side", target="state", measure=m))[0]
    node = pick_node(toks)
    results[f"collocations node={node!r} window=(5, 5)"] = timed(lambda: collocations(toks, node, window=(5, 5)))[0]
    results[f"collocations node={node!r} by='side'"] = timed(lambda: collocations(toks, node, window=(5, 5), by="side"))[0]
    extra = {"DocTermMatrix.from_tokens": timed(lambda: DocTermMatrix.from_tokens(toks), repeat=1)[0],
             f"kwic {node!r} window=5": timed(lambda: kwic(toks, node, window=5), repeat=1)[0]}
    slow = []
    for name, seconds in results.items():
        flag = "ok" if seconds < TARGET_SECONDS else "OVER TARGET"
        slow += [name] if seconds >= TARGET_SECONDS else []
        print(f"{name:48s} {seconds:7.3f} s  ({seconds / baseline:6.1f}x baseline, target < {TARGET_SECONDS} s: {flag})")
    for name, seconds in extra.items():
        print(f"{name:48s} {seconds:7.3f} s  (no target)")
    keyness_s = {k: v for k, v in results.items() if k.startswith("keyness")}
    colloc_s = {k: v for k, v in results.items() if k.startswith("collocations")}
    size = f"{toks.n_tokens / 1e6:.1f} M tokens"
    write_results("metrics", [
        Result(f"keyness, slowest of {len(keyness_s)} measures, {size}", max(keyness_s.values()), "s",
               f"< {TARGET_SECONDS:g}", f"slowest: {max(keyness_s, key=keyness_s.get).split('=')[1]}; "
               f"numpy.bincount baseline {baseline:.3f} s"),
        Result(f"collocations (window 5, overall and by side), slowest, {size}", max(colloc_s.values()), "s",
               f"< {TARGET_SECONDS:g}", f"numpy.bincount baseline {baseline:.3f} s"),
        Result(f"DocTermMatrix.from_tokens, {size}", extra["DocTermMatrix.from_tokens"], "s")],
        args=args, parser=parser)
    return 1 if (slow and args.strict) else 0


if __name__ == "__main__":
    sys.exit(main())

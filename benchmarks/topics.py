"""Benchmark: TopicModel.fit against a plain gensim LdaModel script, and select_k with 1 vs 2 processes.

The corpus is the demo corpus (Japanese documents, tokenized with the package tokenizer),
REPLICATED AND SHUFFLED to reach ``--docs`` documents (default 20,000): the same texts many
times, so the timings measure throughput, not topic quality. Both fits get the same
bag-of-words and the same settings (single-process ``LdaModel``, same seed); the plain script's
bag-of-words is built before its timer starts, TopicModel.fit converts the matrix itself inside
its timer. The topics of the two fits are compared too (they should be identical).

    .venv/bin/python benchmarks/topics.py [--docs 20000] [--k 10] [--passes 3] [--repeats 3]

Prints the two fit times and the overhead ratio (target <= 1.10), then the time of
``select_k`` over 5 values of k with ``n_jobs=1`` and ``n_jobs=2``.
"""
from __future__ import annotations

from pathlib import Path


import argparse  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy import sparse  # noqa: E402


from discourse import read_corpus  # noqa: E402
from discourse.dtm import DocTermMatrix  # noqa: E402
from discourse.topics import TopicModel, select_k  # noqa: E402
from _results import Result, write_results  # noqa: E402


def replicated_dtm(n_docs: int, seed: int = 0) -> DocTermMatrix:
    """The demo corpus's Japanese documents, replicated to ``n_docs`` rows and shuffled."""
    from discourse.tokenize import tokenize

    corpus = read_corpus(Path(__file__).resolve().parent.parent / "corpora" / "demo").subset(language="ja")
    base = DocTermMatrix.from_tokens(tokenize(corpus, cache_dir=False)).trim(min_termfreq=3, min_docfreq=2)
    reps = -(-n_docs // base.n_docs)
    rows = np.random.default_rng(seed).permutation(np.tile(np.arange(base.n_docs), reps)[:n_docs])
    docvars = base.docvars.iloc[rows].reset_index()
    docvars.index = pd.Index([f"{d}#{i}" for i, d in enumerate(docvars.pop("doc_id"))], name="doc_id")
    return DocTermMatrix(sparse.csr_matrix(base.matrix[rows]), base.vocab, docvars)


def plain_gensim(bow: list, id2word: dict, k: int, passes: int, iterations: int, seed: int) -> tuple[float, np.ndarray]:
    """The baseline script: gensim's LdaModel called directly with TopicModel's defaults."""
    from gensim.models import LdaModel

    start = time.perf_counter()
    lda = LdaModel(corpus=bow, id2word=id2word, num_topics=k, chunksize=2000, passes=passes, update_every=1,
                   alpha="symmetric", eta=None, decay=0.5, offset=1.0, eval_every=None, iterations=iterations,
                   gamma_threshold=0.001, random_state=seed, dtype=np.float64)
    return time.perf_counter() - start, lda.get_topics()


def ours(dtm: DocTermMatrix, k: int, passes: int, iterations: int, seed: int) -> tuple[float, np.ndarray]:
    start = time.perf_counter()
    model = TopicModel(k, passes=passes, iterations=iterations, random_state=seed).fit(dtm)
    return time.perf_counter() - start, model.topic_word_


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--select-docs", type=int, default=None, help="documents for select_k (default: --docs)")
    parser.add_argument("--select-passes", type=int, default=2)
    args = parser.parse_args()

    t0 = time.perf_counter()
    dtm = replicated_dtm(args.docs)
    print(f"corpus: demo corpus (ja) REPLICATED AND SHUFFLED to {dtm.n_docs} documents, {dtm.n_terms} terms, "
          f"{int(dtm.matrix.sum())} tokens (built in {time.perf_counter() - t0:.1f} s); {os.cpu_count()} CPUs")
    print(f"settings: k={args.k}, passes={args.passes}, iterations={args.iterations}, chunksize=2000, "
          f"single-process LdaModel, float64, random_state=0")
    bow, _ = dtm.to_gensim()
    id2word = dict(enumerate(dtm.vocab))
    plain_times, our_times = [], []
    for r in range(args.repeats):                      # alternate the order: both see the same machine state
        if r % 2 == 0:
            tp, topics_plain = plain_gensim(bow, id2word, args.k, args.passes, args.iterations, 0)
            to, topics_ours = ours(dtm, args.k, args.passes, args.iterations, 0)
        else:
            to, topics_ours = ours(dtm, args.k, args.passes, args.iterations, 0)
            tp, topics_plain = plain_gensim(bow, id2word, args.k, args.passes, args.iterations, 0)
        plain_times.append(tp)
        our_times.append(to)
        print(f"  run {r + 1}: plain gensim {tp:.2f} s, TopicModel.fit {to:.2f} s")
    tp, to = min(plain_times), min(our_times)
    print(f"fit (best of {args.repeats}): plain gensim {tp:.2f} s, TopicModel.fit {to:.2f} s, "
          f"overhead ratio {to / tp:.3f} (target <= 1.10); median ratio "
          f"{np.median(our_times) / np.median(plain_times):.3f}")
    print(f"identical topic-word matrices: {np.array_equal(topics_plain, topics_ours)}")

    sel = dtm if args.select_docs is None else dtm.subset(np.arange(dtm.n_docs) < args.select_docs)
    grid = [4, 6, 8, 10, 12]
    times = {}
    for n_jobs in (1, 2):
        start = time.perf_counter()
        table = select_k(sel, grid, passes=args.select_passes, iterations=args.iterations, n_jobs=n_jobs)
        times[n_jobs] = time.perf_counter() - start
    print(f"select_k over k={grid} on {sel.n_docs} documents (passes={args.select_passes}, coherence on document "
          f"sets): n_jobs=1 {times[1]:.1f} s, n_jobs=2 {times[2]:.1f} s, speed-up {times[1] / times[2]:.2f}x")
    print(table.round(3).to_string(index=False))
    write_results("topics", [
        Result(f"TopicModel.fit vs plain gensim LdaModel, {dtm.n_docs:,} documents, k={args.k} (overhead)", to / tp,
               "x", "<= 1.10", f"{to:.1f} s vs {tp:.1f} s, best of {args.repeats}; identical topic-word matrices: "
               f"{np.array_equal(topics_plain, topics_ours)}"),
        Result(f"select_k over {len(grid)} values of k, {sel.n_docs:,} documents: 2 processes vs 1",
               times[1] / times[2], "x", "", f"{times[1]:.1f} s vs {times[2]:.1f} s")], args=args, parser=parser)


if __name__ == "__main__":
    main()

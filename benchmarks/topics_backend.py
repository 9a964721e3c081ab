"""Benchmark: LDA with gensim vs tomotopy through ``discourse.topics.backends.fit_lda``, same DTM.

    python benchmarks/topics_backend.py [--docs 20000] [--k 10] [--passes 10] [--tomotopy-iterations 200]

Data: short documents made from the demo corpus: each is a run of 2-5 consecutive sentences of a
random Japanese demo document (tokenized once with the package tokenizer, default settings), so
the 20,000 documents are many different bags of words drawn from real text; terms occurring
fewer than 5 times or in fewer than 3 documents are dropped.

(a) gensim ``LdaModel`` (single process, online variational Bayes): ``passes`` passes,
    ``iterations=100`` per document, ``chunksize=2000``, symmetric alpha 1/K, seed 0 (the
    settings of ``TopicModel``'s defaults).
(b) tomotopy ``LDAModel`` (collapsed Gibbs sampling, one thread so it is reproducible):
    ``--tomotopy-iterations`` sweeps, symmetric alpha 1/K, eta 0.01, seed 0.

Prints each fit's wall-clock and CPU time (the machine may be shared), the ratios (a)/(b)
(target >= 3) and the c_v coherence of each model's top 10 terms per topic, computed with
gensim's ``CoherenceModel`` on the same documents (target: tomotopy >= gensim - 0.02).
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from scipy import sparse  # noqa: E402

from discourse import read_corpus  # noqa: E402
from discourse.resources import corpora_dir  # noqa: E402
from discourse.topics.backends import fit_lda  # noqa: E402
from _results import Result, write_results  # noqa: E402


def short_documents(n_docs: int, seed: int = 0) -> tuple[sparse.csr_matrix, list[str]]:
    """``n_docs`` runs of 2-5 consecutive sentences of random Japanese demo documents, as counts."""
    from discourse.tokenize import tokenize

    corpus = read_corpus(corpora_dir() / "demo" / "corpus.jsonl").subset(language="ja")
    toks = tokenize(corpus, cache_dir=False)
    sentences: list[list[np.ndarray]] = []
    for d in range(len(toks)):
        ids, sent = toks.ids[toks.doc_ptr[d]:toks.doc_ptr[d + 1]], toks.sent[toks.doc_ptr[d]:toks.doc_ptr[d + 1]]
        sentences.append([ids[sent == s] for s in np.unique(sent)])
    rng = np.random.default_rng(seed)
    rows, cols = [], []
    for i in range(n_docs):
        doc = sentences[rng.integers(len(sentences))]
        width = int(rng.integers(2, 6))
        start = int(rng.integers(max(len(doc) - width, 0) + 1))
        ids = np.concatenate(doc[start:start + width]) if doc else np.zeros(0, dtype=np.int64)
        rows.append(np.full(len(ids), i))
        cols.append(ids)
    r, c = np.concatenate(rows), np.concatenate(cols)
    X = sparse.csr_matrix((np.ones(len(r), dtype=np.int64), (r, c)), shape=(n_docs, len(toks.vocab)))
    X.sum_duplicates()
    keep = (np.asarray(X.sum(axis=0)).ravel() >= 5) & (np.asarray((X > 0).sum(axis=0)).ravel() >= 3)
    X = X[:, np.flatnonzero(keep)].tocsr()
    vocab = [toks.vocab[j] for j in np.flatnonzero(keep)]
    return X, vocab


def texts_of(X: sparse.csr_matrix, vocab: list[str]) -> list[list[str]]:
    """Each document as its terms repeated by count (the texts the coherence is measured on)."""
    out = []
    for a, b in zip(X.indptr[:-1], X.indptr[1:]):
        out.append([vocab[j] for j in np.repeat(X.indices[a:b], X.data[a:b])])
    return out


def coherence(topics: list[list[str]], texts: list[list[str]]) -> float:
    from gensim.corpora import Dictionary
    from gensim.models import CoherenceModel

    cm = CoherenceModel(topics=topics, texts=texts, dictionary=Dictionary(texts), coherence="c_v", topn=10,
                        processes=1)
    return float(cm.get_coherence())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--passes", type=int, default=10)
    ap.add_argument("--tomotopy-iterations", type=int, default=200)
    args = ap.parse_args()
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    X, vocab = short_documents(args.docs)
    print(f"data: {X.shape[0]:,} short documents (2-5 consecutive demo sentences each), {X.shape[1]:,} terms, "
          f"{int(X.sum()):,} tokens ({X.sum() / X.shape[0]:.1f} per document)")
    t, c = time.perf_counter(), time.process_time()
    g = fit_lda(X, vocab, n_topics=args.k, backend="gensim", passes=args.passes, random_state=0)
    g_time, g_cpu = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    m = fit_lda(X, vocab, n_topics=args.k, backend="tomotopy", iterations=args.tomotopy_iterations, random_state=0)
    m_time, m_cpu = time.perf_counter() - t, time.process_time() - c
    texts = texts_of(X, vocab)
    g_coh, m_coh = coherence(g.top_terms(10), texts), coherence(m.top_terms(10), texts)
    print(f"{'':52}{'fit wall':>9}{'fit CPU':>9}{'c_v':>9}")
    print(f"{f'(a) gensim LdaModel, {args.passes} passes':52}{g_time:8.1f}s{g_cpu:8.1f}s{g_coh:9.3f}")
    print(f"{f'(b) tomotopy LDAModel, {args.tomotopy_iterations} iterations, 1 thread':52}{m_time:8.1f}s"
          f"{m_cpu:8.1f}s{m_coh:9.3f}")
    print(f"{'fit time ratio (a)/(b), target >= 3':52}{g_time / m_time:9.2f}{g_cpu / m_cpu:9.2f}")
    print(f"{'c_v difference (b)-(a), target >= -0.02':52}{'':18}{m_coh - g_coh:+9.3f}")
    for name, res in (("gensim", g), ("tomotopy", m)):
        print(f"{name} topic 0-2 top terms: " + " | ".join(" ".join(t[:6]) for t in res.top_terms(6)[:3]))
    write_results("topics_backend", [
        Result(f"LDA fit, {X.shape[0]:,} short documents, k={args.k}: tomotopy ({args.tomotopy_iterations} iterations, "
               f"1 thread) vs gensim ({args.passes} passes)", g_time / m_time, "x", ">= 3",
               f"{g_time:.1f} s vs {m_time:.1f} s, CPU time {g_cpu / m_cpu:.1f}x"),
        Result("c_v coherence of the top 10 terms: tomotopy minus gensim", m_coh - g_coh, "", ">= -0.02",
               f"{m_coh:.3f} vs {g_coh:.3f}")], args=args, parser=ap)


if __name__ == "__main__":
    main()

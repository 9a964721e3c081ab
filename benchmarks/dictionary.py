"""Benchmark: dictionary frame coding, sentence by sentence (before) vs vectorised (now), same run.

    python benchmarks/dictionary.py [--chars 10000000] [--seed 3]

Data: the demo corpus's documents copied until the corpus holds ``--chars`` characters; every
copy gets its digits redrawn at random and a connective (また、/ さらに、/ なお、) inserted after
some sentence ends, so no copy is byte-identical to another (new sentences, new tokens).

Both coders use the codebook's cue rules (``DictionaryCoder()``). The sentence tokens are computed
once before timing (the framing stage of an experiment reads cached tokens), so the times compare
the coding itself (wall-clock and CPU time: the machine may be shared): ``_code_reference``
(one ``SentenceContext`` per sentence, every rule tree walked per sentence: the implementation
before this change) vs ``code_corpus`` (all sentences at once over token arrays). Both include splitting the corpus into sentences. The outputs are
checked to be identical (scores, labels, document shares) before the ratio is printed; the
target is >= 10x.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402

import pandas as pd  # noqa: E402

from discourse.corpus import Corpus  # noqa: E402
from discourse.framing._tok import CACHE_SIZE, tokenize_sentences  # noqa: E402
from discourse.framing.data import corpus_sentences  # noqa: E402
from discourse.framing.dictionary import DictionaryCoder  # noqa: E402
from discourse.load import read_corpus  # noqa: E402
from discourse.resources import corpora_dir  # noqa: E402
from _results import Result, write_results  # noqa: E402

CONNECTIVES = ["。また、", "。さらに、", "。なお、", "。"]


def synthetic_corpus(n_chars: int, seed: int) -> Corpus:
    """Copies of the demo documents (digits redrawn, connectives inserted) up to ``n_chars``."""
    demo = list(read_corpus(corpora_dir() / "demo" / "corpus.jsonl"))
    rng = random.Random(seed)
    digit = re.compile(r"\d")
    docs, total, k = [], 0, 0
    while total < n_chars:
        for doc in demo:
            text = digit.sub(lambda m: str(rng.randrange(10)), doc.text)
            if doc.language == "ja":
                text = text.replace("。", rng.choice(CONNECTIVES), rng.randrange(1, 4))
            docs.append(dataclasses.replace(doc, doc_id=f"{doc.doc_id}~{k}", text=text))
            total += len(text)
            if total >= n_chars:
                break
        k += 1
    return Corpus(docs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chars", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    corpus = synthetic_corpus(args.chars, args.seed)
    sentences = corpus_sentences(corpus)
    if len(sentences) > CACHE_SIZE:
        sys.exit(f"{len(sentences):,} sentences exceed the token cache ({CACHE_SIZE:,}): use fewer --chars")
    t = time.perf_counter()
    tokenize_sentences(sentences["text"].tolist(), sentences["language"].tolist())
    tok_time = time.perf_counter() - t
    n_chars = sum(len(d.text) for d in corpus)
    print(f"data: {len(corpus):,} documents, {n_chars:,} characters, {len(sentences):,} sentences "
          f"(demo corpus copied with redrawn digits and inserted connectives); tokenized once in {tok_time:.1f}s")
    coder = DictionaryCoder().fit()
    t, c = time.perf_counter(), time.process_time()
    new = coder.code_corpus(corpus)
    new_time, new_cpu = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    old = coder._code_reference(corpus)
    old_time, old_cpu = time.perf_counter() - t, time.process_time() - c
    for name in ("scores", "labels", "documents"):
        pd.testing.assert_frame_equal(getattr(old, name), getattr(new, name))
    n_match = int(new.scores[list(coder.rules_.codes)].to_numpy().sum())
    print(f"outputs identical: scores, labels and document shares ({n_match:,} cue matches, "
          f"{len(coder.rules_)} codes)")
    print(f"{'':46}{'wall':>9}{'CPU':>9}{'chars/s':>12}")
    print(f"{'(a) sentence by sentence (_code_reference)':46}{old_time:8.1f}s{old_cpu:8.1f}s"
          f"{n_chars / old_time:12,.0f}")
    print(f"{'(b) vectorised (code_corpus)':46}{new_time:8.1f}s{new_cpu:8.1f}s{n_chars / new_time:12,.0f}")
    print(f"{'speed-up (a)/(b), target >= 10':46}{old_time / new_time:9.1f}{old_cpu / new_cpu:9.1f}")
    write_results("dictionary", [Result(
        f"dictionary frame coding, {n_chars / 1e6:.1f} M characters, tokens cached: vectorised vs sentence by sentence",
        old_time / new_time, "x", ">= 10", f"{old_time:.1f} s vs {new_time:.1f} s, CPU time {old_cpu / new_cpu:.1f}x; "
        "identical scores, labels, shares")], args=args, parser=ap)


if __name__ == "__main__":
    main()

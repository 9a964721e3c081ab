"""Keyness without tokenizer fragments: the top terms of each side of a real sample, checked.

Reads a locally fetched real corpus (never shipped: ``corpora/real/texts/`` is git-ignored),
keeps the Japanese documents, tokenizes them with the package defaults
(``discourse.tokenize.tokenize``: compound="affix", bundled term lists, content POS, stopwords,
lemmas, numbers dropped) and ranks the terms of ``side=state`` against ``side=ngo`` and the
reverse with ``discourse.metrics.keyness`` (G2, Dunning 1993; log ratio beside it). Every term of
each top list is then checked for signs that the tokenizer cut a longer term into pieces:

(a) ``single``: a one-character term that, in more than half of its occurrences, touches (no
    space, no punctuation) a noun, affix or adnominal word, i.e. it is used as a prefix or suffix
    of a longer word (国 in 我が国, 法 in 改正法, 案, 減, 籍, 別, 数 ...);
(b) ``neighbour``: in more than half of its occurrences the term is immediately preceded, or
    immediately followed, by the same word (a noun, affix, adnominal word, adjectival noun or
    adverb: particles, auxiliaries, verbs, adjectives, numbers and punctuation do not count), so
    the pair is really one term (judged for nominal terms only: a verb or adjective never forms
    one token with its neighbour);
(c) ``affix``: its part of speech is a prefix or suffix (接頭辞/接尾辞), or it is one of the
    bound nouns the compound rules attach (``discourse.tokenize.compound.BOUND_NOUNS``, 増/減).

Neighbours are read from a second tokenization of the same texts with nothing filtered
(``pos="all"``, no stopwords, numbers kept), so a term's real context in the text is seen.
Suspects that were reviewed by hand and are real words stay listed in :data:`REVIEWED` with the
reason; any other suspect makes the script exit with status 1 (0 when none remains).

Usage::

    python corpora/real/keyness_check.py [corpora/real/texts/sample.jsonl] [--top 30] [--min-count 3]
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
DEFAULT = HERE / "texts" / "sample.jsonl"

#: Suspects reviewed by hand and kept as real words: term -> reason (see corpora/real/README.md).
REVIEWED: dict[str, str] = {
    "閣議後記者会見": "a whole term (a minister's press conference after the cabinet meeting); the 大臣 before it "
                "names who holds it (法務大臣|閣議後記者会見 in the titles of the ministry's transcripts), a different word",
}

#: Parts of speech a neighbour must have to count for (b): words that can form one term with the
#: checked one. Particles, auxiliaries, symbols and spaces never do; nor do inflecting words
#: (verbs, adjectives: よる in による, する after a verbal noun), whose compounds are dictionary
#: words; nor numbers (their units are joined by the tokenizer's number rules) or light nouns that
#: UniDic marks 非自立可能 (こと, ため).
TERM_POS = ("名詞", "接頭辞", "接尾辞", "連体詞", "形状詞", "副詞", "代名詞", "word")
#: The neighbours that make a single character "bound" (a): nouns, affixes, adnominal words.
BOUND_POS = ("名詞", "接頭辞", "接尾辞", "連体詞", "代名詞", "word")
AFFIX_POS = ("接頭辞", "接尾辞")


@dataclass
class Context:
    """Where a term occurs in the unfiltered token stream."""

    n: int = 0
    bound: int = 0                       # occurrences touching a noun/affix/adnominal word
    left: Counter = field(default_factory=Counter)   # contiguous term-forming neighbours
    right: Counter = field(default_factory=Counter)
    pos: Counter = field(default_factory=Counter)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("corpus", nargs="?", default=str(DEFAULT), help="local JSONL sample (default: %(default)s)")
    p.add_argument("--top", type=int, default=30, help="terms per side (default 30)")
    p.add_argument("--min-count", type=int, default=3,
                   help="occurrences a term needs before (a) and (b) judge it (default 3)")
    p.add_argument("--by", default="side")
    p.add_argument("--sides", nargs=2, default=["state", "ngo"], metavar=("A", "B"))
    return p.parse_args(argv)


def tokenize_sample(path: str):
    """The Japanese documents tokenized twice: package defaults, and nothing filtered."""
    import discourse
    from discourse.tokenize import tokenize

    corpus = discourse.read_corpus(path)
    ja = corpus.subset(language="ja")
    if not len(ja):
        raise SystemExit(f"{path}: no document with language == 'ja'")
    tokens = tokenize(ja, cache_dir=False)
    every = tokenize(ja, pos="all", stopwords=False, numbers="keep", cache_dir=False)
    return ja, tokens, every


def contexts(every, terms: set[str]) -> dict[str, Context]:
    """Neighbour statistics of ``terms`` in the unfiltered tokens (same document, no gap)."""
    vocab, pos_vocab = every.vocab, every.pos_vocab
    term_pos = np.array([p.startswith(TERM_POS) and "非自立可能" not in p and not p.startswith("名詞-数詞")
                         for p in pos_vocab])
    bound_pos = np.array([p.startswith(BOUND_POS) for p in pos_vocab])
    wanted = np.array([v in terms for v in vocab])
    out: dict[str, Context] = {t: Context() for t in terms}
    for d in range(len(every)):
        lo, hi = int(every.doc_ptr[d]), int(every.doc_ptr[d + 1])
        ids, pids = every.ids[lo:hi], every.pos_ids[lo:hi]
        starts, ends = every.starts[lo:hi], every.ends[lo:hi]
        for k in np.flatnonzero(wanted[ids]).tolist():
            ctx = out[vocab[ids[k]]]
            ctx.n += 1
            ctx.pos[pos_vocab[pids[k]]] += 1
            touching = False
            if k > 0 and ends[k - 1] == starts[k]:
                touching |= bool(bound_pos[pids[k - 1]])
                if term_pos[pids[k - 1]]:
                    ctx.left[vocab[ids[k - 1]]] += 1
            if k + 1 < len(ids) and ends[k] == starts[k + 1]:
                touching |= bool(bound_pos[pids[k + 1]])
                if term_pos[pids[k + 1]]:
                    ctx.right[vocab[ids[k + 1]]] += 1
            ctx.bound += touching
    return out


def suspicion(term: str, ctx: Context, min_count: int) -> list[str]:
    """The reasons (a), (b), (c) that make ``term`` a suspect fragment (empty: none)."""
    from discourse.tokenize.compound import BOUND_NOUNS, NUMBER_CHANGES

    reasons = []
    enough = ctx.n >= min_count
    if len(term) == 1 and enough and ctx.bound > ctx.n / 2:
        reasons.append(f"(a) single character bound to a noun/affix in {ctx.bound}/{ctx.n}")
    main_pos = ctx.pos.most_common(1)[0][0] if ctx.pos else ""
    if enough and main_pos.startswith(TERM_POS):   # a verb or adjective never joins a neighbour
        for side, counter in (("preceded", ctx.left), ("followed", ctx.right)):
            if counter:
                word, k = counter.most_common(1)[0]
                if k > ctx.n / 2:
                    reasons.append(f"(b) {side} by {word} in {k}/{ctx.n}")
    if main_pos.startswith(AFFIX_POS) or term in BOUND_NOUNS or term in NUMBER_CHANGES:
        reasons.append(f"(c) affix or bound noun ({main_pos or 'bound noun'})")
    return reasons


def top_terms(tokens, by: str, target: str, reference: str, n: int) -> pd.DataFrame:
    from discourse import metrics

    key = metrics.keyness(tokens, by=by, target=target, reference=reference, measure="G2")
    return key.head(n)[["term", "G2", "log_ratio", "n_target", "n_reference", "range_target"]].reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    ja, tokens, every = tokenize_sample(args.corpus)
    sizes = ja.docvars.groupby(args.by).size()
    print(f"{args.corpus}: {len(ja)} Japanese documents ("
          + ", ".join(f"{k} {v}" for k, v in sizes.items()) + f"), {tokens.n_tokens} tokens after filtering")
    a, b = args.sides
    tables = {a: top_terms(tokens, args.by, a, b, args.top), b: top_terms(tokens, args.by, b, a, args.top)}
    ctx = contexts(every, set().union(*(set(t["term"]) for t in tables.values())))
    unreviewed = reviewed = 0
    for side, table in tables.items():
        other = b if side == a else a
        print(f"\n## top {args.top} of {args.by}={side} against {other} (G2; log ratio)")
        flags = []
        for row in table.itertuples():
            reasons = suspicion(row.term, ctx[row.term], args.min_count)
            flags.append(reasons)
            mark = "" if not reasons else ("  [reviewed]" if row.term in REVIEWED else "  [SUSPECT]")
            print(f"{row.Index + 1:>3} {row.term:<16} G2 {row.G2:8.1f}  LR {row.log_ratio:5.2f}  "
                  f"n {row.n_target}/{row.n_reference}{mark}")
        print(f"\nsuspects ({side}):")
        found = False
        for row, reasons in zip(table.itertuples(), flags):
            if not reasons:
                continue
            found = True
            if row.term in REVIEWED:
                reviewed += 1
                print(f"  {row.term}: reviewed, kept: {REVIEWED[row.term]}")
            else:
                unreviewed += 1
            for r in reasons:
                print(f"  {row.term}: {r}")
        if not found:
            print("  none")
    print(f"\n{unreviewed} unreviewed suspect(s), {reviewed} reviewed exception(s)")
    return 1 if unreviewed else 0


if __name__ == "__main__":
    sys.exit(main())

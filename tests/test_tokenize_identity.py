"""The tokenizer's output is unchanged by speed work: digests of the full output, recorded before it.

The digests below were computed with the tokenizer as it was before the batch path was rewritten
for speed (commit 71949b9). They cover every field a user or a later stage can see: terms (lemmas),
surfaces, POS tags, character offsets, compound rules and parts, the dictionary words inside each
compound, sentence numbers, document pointers and the compound counts, for

- the demo corpus (``corpora/demo/corpus.jsonl``) through :func:`discourse.tokenize.tokenize`,
  in every compound mode, with nothing filtered (``pos="all"``, no stopwords, numbers kept);
- unique texts with a growing vocabulary (the benchmark's generator: every text brings numbers
  and names never seen before), long and short, through ``tokenize_batch`` in batches of 50, and
  one at a time through ``tokenize_arrays`` / ``tokenize``.

A digest that changes means the output changed: compare the two versions on the listed inputs
to find the first differing token before updating a digest.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import random
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pytest

from discourse.load import read_corpus
from discourse.tokenize import JapaneseTokenizer, tokenize
from discourse.tokenize.token import RULES, TokenArrays

ROOT = Path(__file__).resolve().parent.parent


def _benchmark() -> Any:
    spec = importlib.util.spec_from_file_location("_bench_tokenizer", ROOT / "benchmarks" / "tokenizer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.fixture(scope="module")
def bench() -> Any:
    return _benchmark()


@pytest.fixture(scope="module")
def sentences(bench: Any) -> list[str]:
    return bench.demo_sentences()


class _Digest:
    """sha256 over a sequence of labelled values (arrays by dtype-independent int64 bytes)."""

    def __init__(self) -> None:
        self.h = hashlib.sha256()

    def add(self, label: str, value: Any) -> None:
        self.h.update(label.encode())
        if isinstance(value, np.ndarray):
            self.h.update(np.ascontiguousarray(value, np.int64).tobytes())
        else:
            self.h.update(json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass"))

    def hexdigest(self) -> str:
        return self.h.hexdigest()[:32]


def _add_arrays(d: _Digest, arr: TokenArrays, text: str, tok: JapaneseTokenizer) -> None:
    """Every field of a text's tokens, as strings and offsets (ids are not compared: they depend
    on the order in which a tokenizer met the words)."""
    d.add("terms", [tok.terms.items[i] for i in arr.term_ids.tolist()])
    d.add("pos", [tok.pos_tags.items[i] for i in arr.pos_ids.tolist()])
    d.add("surfaces", [text[s:e] for s, e in zip(arr.starts.tolist(), arr.ends.tolist())])
    for name in ("starts", "ends", "rules", "first", "raw_starts", "raw_ends"):
        d.add(name, np.asarray(getattr(arr, name)))
    d.add("parts", [arr.parts(text, i) for i in np.flatnonzero(arr.rules).tolist()])


def _tokens_digest(toks: Any) -> str:
    d = _Digest()
    d.add("vocab", list(toks.vocab))
    d.add("pos_vocab", list(toks.pos_vocab))
    for name in ("ids", "pos_ids", "starts", "ends", "sent", "doc_ptr"):
        d.add(name, np.asarray(getattr(toks, name)))
    d.add("compounds", [list(row) for row in toks.compound_counts])
    return d.hexdigest()


def _texts_digest(texts: Iterable[str]) -> str:
    d = _Digest()
    for t in texts:
        d.add("text", t)
    return d.hexdigest()


def _growing(bench: Any, sentences: list[str], size: tuple[int, int], n: int) -> list[str]:
    return bench.growing_texts(sentences, n, random.Random(7), 10_000_000, size)


# Recorded with the tokenizer of commit 71949b9 (before the speed work); DEMO["affix"],
# DEMO["noun_sequence"] and the GROWING* digests re-recorded when the compound rules changed on
# purpose (suffix chains 弁護士+会, 受刑者+数; 向け/同士/あて left free; 法務+局; numbers with 版,
# 章, 項 and the labels 図/表/注; 入管法+改悪; domain_terms 1.2): the demo corpus's only differences
# were those compounds (住民同士 -> 住民|同士, 保護者|会 -> 保護者会, 労働|局 -> 労働局, ...).
DEMO = {"affix": "62e5a8a2d5ee9461c3de8942e3ab34c1", "noun_sequence": "1137f16a500af1f6273d7453ac8e3b30",
        "none": "8a040b2b697857e96ad517dd80d7f84c"}
GROWING_TEXTS = {"documents": "aec542779197d9f62bf194603bc836af", "short": "85fafa5e7ad5f7d0ee5b3a84439dd342"}
GROWING = {"documents": "a364fdd113ae59b41e9ed28275148dab", "short": "c4dc6a95bf7334a1a2fe7477b161810b"}
GROWING_ONE = {"documents": "2fa983f7e1f6ae6f7aaec9426a24c386", "short": "e736199e3e9082ffa74d88084b9ccaf6"}
GROWING_RECORDS = {"documents": "a97289e40c4ef2152b000e83099ef175", "short": "8e9e8d43810a8532c1b636044047e7f3"}
EDGE_DIGEST = {"batch": "11c6e0de17799c063895e03a4913a4a9", "one": "fc08fb4cefbc0e72bef53ec1acb883b0",
               "records": "a50b8d7d44137966c3925c1d4a973226"}


@pytest.mark.parametrize("mode", ["affix", "noun_sequence", "none"])
def test_demo_corpus_tokens_unchanged(mode: str) -> None:
    corpus = read_corpus(ROOT / "corpora" / "demo" / "corpus.jsonl")
    toks = tokenize(corpus, compound=mode, pos="all", stopwords=False, numbers="keep", cache_dir=False, progress=False)
    assert _tokens_digest(toks) == DEMO[mode]


def _growing_digest(texts: list[str], *, one_text: bool) -> str:
    tok = JapaneseTokenizer()
    d = _Digest()
    if one_text:
        for text in texts:
            _add_arrays(d, tok.tokenize_arrays(text), text, tok)
        return d.hexdigest()
    for a in range(0, len(texts), 50):
        batch = tok.tokenize_batch(texts[a:a + 50])
        _add_arrays(d, batch.arrays, batch.text, tok)
        d.add("doc_ptr", batch.doc_ptr)
    return d.hexdigest()


def _records_digest(texts: list[str]) -> str:
    """Every :class:`Token` record of ``JapaneseTokenizer().tokenize(text)``, one text at a time."""
    tok = JapaneseTokenizer()
    d = _Digest()
    for text in texts:
        d.add("tokens", [[t.surface, t.lemma, list(t.pos), t.start, t.end, list(t.parts), t.rule]
                         for t in tok.tokenize(text)])
    return d.hexdigest()


KINDS = [("documents", (20, 60), 120), ("short", (1, 5), 1500)]


@pytest.mark.parametrize("kind,size,n", KINDS)
def test_growing_vocabulary_batches_unchanged(bench: Any, sentences: list[str], kind: str, size: tuple[int, int],
                                              n: int) -> None:
    texts = _growing(bench, sentences, size, n)
    assert _texts_digest(texts) == GROWING_TEXTS[kind], "the benchmark's text generator changed"
    assert _growing_digest(texts, one_text=False) == GROWING[kind]


@pytest.mark.parametrize("kind,size,n", KINDS)
def test_growing_vocabulary_one_text_unchanged(bench: Any, sentences: list[str], kind: str, size: tuple[int, int],
                                               n: int) -> None:
    texts = _growing(bench, sentences, size, n)
    assert _growing_digest(texts, one_text=True) == GROWING_ONE[kind]
    assert _records_digest(texts[:n // 3]) == GROWING_RECORDS[kind]


#: Texts that take the batch path's special cases: control characters, a lone surrogate, ideographs
#: beyond U+FFFF, variation selectors, spaces of every kind, English, and a text longer than one
#: MeCab chunk.
EDGE = ["東京の来日外国人による犯罪は２００３年に５０％増えた。\n NGO「移住連」は 2003 年の統計を批判した\u3000全角\tタブ\r\n",
        "絵文字👍と👨\u200d👩\u200d👧、ＤＶ被害、ｅ－ｍａｉｌ、COVID-19、1,218,891人。\n\nNUL\x00と\x1fUS制御文字も。 末尾 ",
        "", "外国\ud800人が来た。", "𠮷田さんと𩸽を食べた𠮷野家。", "葛\U000E0100城市の葛\U000E0101飾区で不法滞在者が増えた。",
        "平成16年の検挙人員は1万4,766人で前年比32.1%減、改正入管法違反は約3割。",
        "ヘイトスピーチ解消法案と多文化共生、仮放免中の技能実習生。\n" * 4000]


def test_edge_texts_unchanged() -> None:
    assert _growing_digest(EDGE, one_text=False) == EDGE_DIGEST["batch"]
    assert _growing_digest(EDGE, one_text=True) == EDGE_DIGEST["one"]
    assert _records_digest(EDGE[:-1]) == EDGE_DIGEST["records"]


def test_digests_see_a_changed_token(bench: Any, sentences: list[str]) -> None:
    """The digest can fail: one changed offset or lemma changes it."""
    texts = _growing(bench, sentences, (1, 5), 20)
    tok = JapaneseTokenizer()
    arr = tok.tokenize_batch(texts).arrays
    digests = set()
    for change in (None, "offset", "lemma"):
        d = _Digest()
        starts, term_ids = arr.starts.copy(), arr.term_ids.copy()
        if change == "offset":
            starts[5] += 1
        elif change == "lemma":
            term_ids[5] = term_ids[6] if term_ids[6] != term_ids[5] else term_ids[7]
        d.add("starts", starts)
        d.add("terms", [tok.terms.items[i] for i in term_ids.tolist()])
        digests.add(d.hexdigest())
    assert len(digests) == 3

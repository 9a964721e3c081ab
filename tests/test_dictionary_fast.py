"""The vectorised dictionary coder gives the same scores as the sentence-by-sentence reference."""
from __future__ import annotations

import dataclasses
import random
import re

import numpy as np
import pandas as pd
import pytest

from discourse.corpus import Corpus
from discourse.framing._tok import tokenize_sentences
from discourse.framing.data import corpus_sentences
from discourse.framing.dictionary import DictionaryCoder
from discourse.framing.matching import SentenceBatch, SentenceContext, score
from discourse.framing.rules import parse_rule
from discourse.load import read_corpus
from discourse.resources import corpora_dir

HAND_RULES = {
    "or_terms": "差別 or 偏見 or 外国人",
    "near": "near(外国人, (犯罪 or 犯罪者 or 増加), 3)",
    "seq": "seq((外国人 or 外国籍), (の or が), 犯罪)",
    "phrase_glob": '"不法 滞在" or 不法* or *国人',
    "pos_not_docvar": '犯罪/名詞 and not side == "state"',
    "year_text": 'year >= 2005 and text:"外国人"',
    "fields": "surface:外国人 or lemma:する or surface:し",
    "and_or": 'genre != "news" and (治安 | near(治安, 悪化, 2))',
    "overlapping_paths": 'seq((の or "の 外国"), (外国 or 人 or "外国 人"), (人 or の))',
    "english": 'crime or "illegal stay" or near(foreign, (crime or crimes), 4) or text:"the"',
    "not_lang": 'not (language == "ja") and (report or the)',
    "common_text": 'text:"。" or text:"、" or text:""',
    "pos_prefix": "する/動詞 or 外国人/名詞-普通名詞 or 人/名",
}


@pytest.fixture(scope="module")
def demo() -> Corpus:
    return read_corpus(corpora_dir() / "demo" / "corpus.jsonl")


def perturbed(corpus: Corpus, copies: int, seed: int) -> Corpus:
    """Copies of the documents with redrawn digits and connectives, so the text is new."""
    rng = random.Random(seed)
    docs = []
    for k in range(copies):
        for doc in corpus:
            text = re.sub(r"\d", lambda m: str(rng.randrange(10)), doc.text)
            text = text.replace("。", rng.choice(["。また、", "。", "。さらに、"]), 2)
            docs.append(dataclasses.replace(doc, doc_id=f"{doc.doc_id}~{k}", text=text, date="",
                                            year=(doc.year or 2000) + k))
    return Corpus(docs)


def assert_same_coding(a, b) -> None:
    pd.testing.assert_frame_equal(a.scores, b.scores)
    pd.testing.assert_frame_equal(a.labels, b.labels)
    pd.testing.assert_frame_equal(a.documents, b.documents)


def test_codebook_rules_match_the_reference_on_the_demo_corpus(demo):
    coder = DictionaryCoder().fit()
    ref, new = coder._code_reference(demo), coder.code_corpus(demo)
    assert_same_coding(ref, new)
    assert new.scores.iloc[:, 2:].to_numpy().sum() > 1000  # the cues do match


def test_hand_rules_cover_every_node_and_match_the_reference(demo):
    corpus = perturbed(demo, 2, seed=5)
    coder = DictionaryCoder(rules=HAND_RULES).fit()
    ref, new = coder._code_reference(corpus, batch_size=3000), coder.code_corpus(corpus, batch_size=2500)
    assert_same_coding(ref, new)
    hits = new.scores[list(HAND_RULES)].sum()
    assert (hits > 0).all(), hits[hits == 0]  # every rule matched somewhere, so the test can fail


def random_rule(rng: random.Random, lemmas: list[str], surfaces: list[str], depth: int = 0) -> str:
    def term() -> str:
        kind = rng.random()
        if kind < 0.5:
            return rng.choice(lemmas)
        if kind < 0.7:
            return "surface:" + rng.choice(surfaces)
        if kind < 0.8:
            return rng.choice(lemmas) + "/" + rng.choice(["名詞", "動詞", "助詞", "名詞-普通名詞"])
        if kind < 0.9:
            return rng.choice(lemmas)[:1] + "*"
        return '"' + " ".join(rng.choice(lemmas) for _ in range(2)) + '"'

    def operand(d: int) -> str:
        r = rng.random()
        if r < 0.6 or d > 1:
            return term()
        if r < 0.8:
            return "(" + " or ".join(operand(d + 1) for _ in range(rng.randint(2, 3))) + ")"
        return f"seq({operand(d + 1)}, {operand(d + 1)})"

    r = rng.random()
    if depth > 2 or r < 0.3:
        return operand(0)
    if r < 0.45:
        return f"near({operand(0)}, {operand(0)}, {rng.randint(1, 6)})"
    if r < 0.55:
        return f"seq({operand(0)}, {operand(0)}, {operand(0)})"
    if r < 0.62:
        return f'year {rng.choice([">=", "<", "==", "!="])} {rng.randint(1995, 2015)}'
    if r < 0.68:
        return f'side == "{rng.choice(["state", "ngo", "media"])}"'
    if r < 0.72:
        return f'text:"{rng.choice(surfaces)}"'
    if r < 0.8:
        return "not " + random_rule(rng, lemmas, surfaces, depth + 1)
    op = rng.choice([" and ", " or "])
    return "(" + op.join(random_rule(rng, lemmas, surfaces, depth + 1) for _ in range(rng.randint(2, 3))) + ")"


def test_random_rules_match_the_reference(demo):
    """200 random rules over the corpus's own words: same scores sentence by sentence."""
    sentences = corpus_sentences(demo).iloc[::3].reset_index(drop=True)
    toks = tokenize_sentences(sentences["text"].tolist(), sentences["language"].tolist())
    rng = random.Random(11)
    lemmas = sorted({w.casefold() for t in toks for w in t.lemma if re.fullmatch(r"[\w\u3000-\u9fff]+", w)})
    surfaces = sorted({w.casefold() for t in toks for w in t.surface if re.fullmatch(r"[\w\u3000-\u9fff]+", w)})
    common = [w for w in lemmas if len(w) <= 2][:60] + rng.sample(lemmas, 60)
    rules = {f"r{i}": random_rule(rng, common, surfaces) for i in range(200)}
    coder = DictionaryCoder(rules=rules).fit()
    ref = coder._decision_reference(sentences, demo.docvars)
    new = coder.decision_function(sentences, demo.docvars)
    bad = [c for j, c in enumerate(coder.rules_.codes) if not np.array_equal(ref[:, j], new[:, j])]
    assert not bad, [rules[c] for c in bad[:3]]
    assert (new.sum(axis=0) > 0).sum() > 100  # most random rules match something


def test_batch_agrees_with_the_context_on_hand_built_tokens():
    from discourse.framing._tok import SentenceTokens

    def toks(words):
        return SentenceTokens(tuple(w for w, _ in words), tuple(w for w, _ in words), tuple(p for _, p in words),
                              tuple(range(len(words))), tuple(range(1, len(words) + 1)))

    a = toks([("A", "名詞"), ("b", "助詞"), ("a", "名詞"), ("b", "助詞"), ("c", "名詞")])
    b = toks([("b", "助詞"), ("c", "名詞")])
    empty = toks([])
    batch = SentenceBatch([a, b, empty], ["Ab a b c", "b c", ""], {"k": [1, 1.0, None]})
    for text, expected in [("a", [2, 0, 0]), ("seq(a, b)", [2, 0, 0]), ("seq(b, (c or a))", [2, 1, 0]),
                           ("near(a, c, 2)", [1, 0, 0]), ("near(a, c, 1)", [0, 0, 0]), ("k == 1", [1, 1, 0]),
                           ('k == "1"', [1, 0, 0]), ("not a", [0, 1, 1]), ('text:"b c"', [1, 1, 0])]:
        rule = parse_rule(text)
        got = batch.score(rule).tolist()
        ref = [score(rule, SentenceContext(t, x, {"k": k})) for t, x, k in zip([a, b, empty], ["Ab a b c", "b c", ""],
                                                                                  [1, 1.0, None])]
        assert got == ref == expected, text
    # a sequence never runs across two sentences: the last token of one and the first of the next
    assert batch.score(parse_rule("seq(c, b)")).tolist() == [0, 0, 0]


def test_docvars_come_from_the_table_first_then_from_docvars():
    table = pd.DataFrame({"text": ["外国人の差別。", "外国人の差別。", "外国人の差別。"], "language": "ja",
                          "doc_id": ["d1", "d2", "missing"], "tag": ["x", np.nan, "y"]})
    docvars = pd.DataFrame({"side": ["state", "ngo"], "tag": ["z", "z"]},
                           index=pd.Index(["d1", "d2"], name="doc_id"))
    coder = DictionaryCoder(rules={"s": '差別 and side == "state"', "t": 'tag == "z" or tag == "y"',
                                   "n": 'side != "x"'})
    new = coder.fit().decision_function(table, docvars)
    assert new.tolist() == coder._decision_reference(table, docvars).tolist() == [[1, 0, 1], [0, 0, 1], [0, 1, 0]]


@pytest.mark.slow
def test_benchmark_runs_and_checks_equality():
    """benchmarks/dictionary.py on 300,000 characters (slow: not in `make test`)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, str(root / "benchmarks" / "dictionary.py"), "--chars", "300000"],
                         capture_output=True, text=True, check=True, cwd=root).stdout
    assert "outputs identical" in out and "speed-up" in out

"""The bundled demo corpus, its gold annotations and split: schema, sizes, offsets, quotas, originality."""
from __future__ import annotations

import collections
import csv
import importlib.util
import json
import re

import pytest

from discourse import read_corpus
from discourse.framing import load_codebook
from discourse.resources import corpora_dir

DEMO = corpora_dir() / "demo"
# fixed terms (institutions, statistical series, slogans): their repetition is not template text
FIXED = ["来日外国人", "外国人", "一般刑法犯", "刑法犯", "検挙人員", "検挙件数", "外国人登録者数", "外国人登録証明書",
         "法務省入国管理局", "入国管理局", "退去強制", "不法滞在者", "認知件数", "犯罪グループ", "安心して暮らせる"]


@pytest.fixture(scope="module")
def corpus():
    return read_corpus(DEMO, strict=True)


@pytest.fixture(scope="module")
def gold():
    return [json.loads(line) for line in (DEMO / "annotations" / "gold.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def split():
    with (DEMO / "annotations" / "split.csv").open(encoding="utf-8") as fh:
        return {r["doc_id"]: r for r in csv.DictReader(fh)}


def test_sizes_sides_languages_and_lengths(corpus):
    dv = corpus.docvars
    assert len(corpus) >= 200 and sum(len(t) for t in corpus.texts) >= 120_000
    sides = dv["side"].value_counts()
    assert sides["state"] >= 80 and sides["ngo"] >= 80 and sides["media"] > 0 and sides["international"] > 0
    assert (dv["language"] == "en").sum() >= 20
    assert all(300 <= len(t) <= 1500 for t in corpus.texts)
    assert dv["year"].between(1990, 2010).all()
    for col in ("actor", "genre", "date", "title", "language"):
        assert (dv[col] != "").all(), col


def test_gold_offsets_cover_every_document(corpus, gold):
    by_doc = collections.defaultdict(list)
    for s in gold:
        text = corpus[s["doc_id"]].text
        assert text[s["start"]:s["end"]] == s["text"], s["sent_id"]
        by_doc[s["doc_id"]].append(s)
    assert set(by_doc) == set(corpus.doc_ids)
    for doc_id, sents in by_doc.items():  # sentences tile the text up to separators
        covered = "".join(corpus[doc_id].text[s["start"]:s["end"]] for s in sents)
        assert len(re.sub(r"\s", "", covered)) == len(re.sub(r"\s", "", corpus[doc_id].text))
    assert len({s["sent_id"] for s in gold}) == len(gold)


def test_every_frame_has_80_positives_and_valid_ids(gold):
    codebook = load_codebook()
    counts = collections.Counter(f for s in gold for f in s["frames"])
    for s in gold:
        codebook.check_ids(s["frames"], where=f"{s['sent_id']}: ")
    assert set(counts) == set(codebook.ids)
    assert min(counts.values()) >= 80, counts
    neutral = sum(not s["frames"] for s in gold) / len(gold)
    assert 0.25 <= neutral <= 0.45


def test_split_is_by_document_and_stratified(corpus, split):
    assert set(split) == set(corpus.doc_ids)
    assert {r["split"] for r in split.values()} == {"train", "test"}
    for side in ("state", "ngo"):
        docs = [r for r in split.values() if r["side"] == side]
        share = sum(r["split"] == "test" for r in docs) / len(docs)
        assert 0.2 <= share <= 0.3, side


def test_built_files_are_in_sync_with_the_parts():
    spec = importlib.util.spec_from_file_location("demo_build", DEMO / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    for rel, content in build.build().items():
        assert (DEMO / rel).read_text(encoding="utf-8") == content, f"{rel} is stale: run python corpora/demo/build.py"


def test_no_template_text(corpus, gold):
    texts = collections.Counter(s["text"] for s in gold)
    assert max(texts.values()) == 1, texts.most_common(1)
    grams = collections.defaultdict(set)
    for doc in corpus:
        if doc.language != "ja":
            continue
        text = re.sub(r"\s+", "", doc.text)
        for term in sorted(FIXED, key=len, reverse=True):
            text = text.replace(term, "\0")
        for i in range(len(text) - 7):
            if "\0" not in text[i:i + 8]:
                grams[text[i:i + 8]].add(doc.doc_id)
    spread = sorted((len(v), g) for g, v in grams.items())
    assert spread[-1][0] <= 7, spread[-5:]              # no sequence in more than a handful of documents
    assert sum(n > 4 for n, _ in spread) < 60
    words = collections.defaultdict(set)
    for doc in corpus:
        if doc.language == "en":
            w = re.findall(r"\w+", doc.text.lower())
            for i in range(len(w) - 4):
                words[" ".join(w[i:i + 5])].add(doc.doc_id)
    assert max(len(v) for v in words.values()) <= 3     # English: no 5-word sequence in more than 3 documents


def test_adjudicated_decisions_are_in_the_gold_file(gold):
    final = {}
    for line in (DEMO / "annotations" / "adjudication.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        assert row["annotator_a"] != row["annotator_b"] and row["reason"]
        final[row["sent_id"]] = sorted(row["final"])
    by_id = {s["sent_id"]: s["frames"] for s in gold}
    assert final and all(by_id[k] == v for k, v in final.items())


def test_datasheet_reports_the_agreement_the_package_computes():
    spec = importlib.util.spec_from_file_location("demo_agreement", DEMO / "agreement.py")
    agreement = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(agreement)
    table = agreement.agreement_table().set_index("frame")
    readme = (DEMO / "README.md").read_text(encoding="utf-8")
    overall = table.loc["(pooled frame decisions)"]
    assert f"| (pooled frame decisions) | {int(overall.n_units)} |" in readme and f"| {overall.kappa} | {overall.alpha} |" in readme
    sets = agreement.set_table().iloc[0]
    assert f"| {int(sets.n_units)} | {sets.exact_set} | {sets.alpha_exact_set} | {sets.mean_jaccard} | {sets.alpha_masi} |" in readme
    assert sets.exact_set < overall.pct_agree
    assert table["kappa"].min() > 0.6

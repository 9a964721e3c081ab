"""C-value term extraction (Frantzi, Ananiadou & Mima 2000) on sentences written for these tests."""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from discourse.cli import main
from discourse.corpus import Corpus, Document
from discourse.errors import ConfigError
from discourse.terms import COLUMNS, count_candidates, cvalue, extract_terms, noun_runs
from discourse.tokenize import tokenize
from discourse.tokenize.token import NOUN, PREFIX, SUFFIX

# unidic-lite words: 来日|外国|人|犯罪, 外国|人|犯罪, 外国|人 (人 is a suffix)
DOCS = ["来日外国人犯罪が増えた。", "来日外国人犯罪の統計。", "外国人犯罪は減った。", "外国人の権利。"]


def test_cvalue_hand_computed_with_nested_terms() -> None:
    """Candidates and frequencies (nested occurrences counted):
    来日外国人犯罪 2, 来日外国人 2, 来日外国 2, 外国人犯罪 3, 外国人 4 (人犯罪 starts with a suffix).
    C(来日外国人犯罪) = log2(4) * 2                       = 4          (not nested)
    C(外国人)        = log2(2) * (4 - (2 + 3 + 2) / 3)    = 5/3        (in 来日外国人, 外国人犯罪, 来日外国人犯罪)
    C(外国人犯罪)    = log2(3) * (3 - 2 / 1)              = log2(3)    (in 来日外国人犯罪)
    C(来日外国人)    = log2(3) * (2 - 2 / 1)              = 0
    C(来日外国)      = log2(2) * (2 - (2 + 2) / 2)        = 0
    """
    table = extract_terms(DOCS, min_freq=1)
    assert list(table.columns) == COLUMNS
    assert table["term"].tolist() == ["来日外国人犯罪", "外国人", "外国人犯罪", "来日外国", "来日外国人"]
    rows = table.set_index("term")
    expected = {"来日外国人犯罪": 4.0, "外国人": 5 / 3, "外国人犯罪": math.log2(3), "来日外国人": 0.0, "来日外国": 0.0}
    assert rows["cvalue"].to_dict() == pytest.approx(expected)
    assert rows["freq"].to_dict() == {"来日外国人犯罪": 2, "外国人": 4, "外国人犯罪": 3, "来日外国": 2, "来日外国人": 2}
    assert rows["n_docs"].to_dict() == {"来日外国人犯罪": 2, "外国人": 4, "外国人犯罪": 3, "来日外国": 2, "来日外国人": 2}
    assert rows["n_nested"].to_dict() == {"来日外国人犯罪": 0, "外国人": 3, "外国人犯罪": 1, "来日外国": 2, "来日外国人": 1}
    assert rows.loc["来日外国人犯罪", "parts"] == "来日+外国+人+犯罪" and rows.loc["外国人", "n_words"] == 2


def test_min_freq_drops_candidates_before_nesting() -> None:
    # with min_freq=3 only 外国人 (4) and 外国人犯罪 (3) are candidates: 外国人 nests in 外国人犯罪 only
    rows = extract_terms(DOCS, min_freq=3).set_index("term")
    assert rows["cvalue"].to_dict() == pytest.approx({"外国人": 1 * (4 - 3), "外国人犯罪": math.log2(3) * 3})


def test_cvalue_formula() -> None:
    assert cvalue(("a", "b", "c", "d"), 3, []) == 2 * 3
    assert cvalue(("a", "b"), 5, [3, 1]) == 1 * (5 - 2)


def test_runs_stop_at_particles_punctuation_verbs_and_numbers() -> None:
    runs = [[w for w, _ in run] for _, run in noun_runs(["外国人の犯罪、検挙件数が増えた2004年不法滞在者対策"])]
    assert runs == [["外国", "人"], ["検挙", "件数"], ["不法", "滞在", "者", "対策"]]


def test_candidates_never_start_with_a_suffix_or_end_with_a_prefix() -> None:
    found = count_candidates([(0, [("被", PREFIX), ("収容", NOUN), ("者", SUFFIX)])])
    assert {"".join(k) for k in found} == {"被収容", "被収容者", "収容者"}
    found = count_candidates([(0, [("外国", NOUN), ("人", SUFFIX), ("非", PREFIX)])])
    assert {"".join(k) for k in found} == {"外国人"}


def test_same_table_from_corpus_tokens_and_strings() -> None:
    corpus = Corpus([Document(f"d{i}", t, side="state") for i, t in enumerate(DOCS)]
                    + [Document("en", "Foreign crime rose.", language="en")])
    from_strings = extract_terms(DOCS, min_freq=1)
    pd.testing.assert_frame_equal(extract_terms(corpus, min_freq=1), from_strings)
    pd.testing.assert_frame_equal(extract_terms(tokenize(corpus, cache_dir=False), min_freq=1), from_strings)


def test_frequency_method_and_n() -> None:
    table = extract_terms(DOCS, min_freq=1, method="frequency", n=2)
    assert table["term"].tolist() == ["外国人", "外国人犯罪"]


@pytest.mark.parametrize("kwargs, message", [
    ({"method": "lr"}, "method"), ({"min_freq": 0}, "min_freq"), ({"min_len": 1}, "min_len"),
    ({"max_len": 1}, "max_len"), ({"n": 0}, "n=0"),
])
def test_bad_options_name_the_argument(kwargs: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        extract_terms(DOCS, **kwargs)


def test_one_string_is_refused() -> None:
    with pytest.raises(ConfigError, match="wrap it in a list"):
        extract_terms("外国人犯罪")


def test_cli_writes_csv(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "c.jsonl"
    Corpus([Document(f"d{i}", t, side="ngo" if i == 3 else "state") for i, t in enumerate(DOCS)]).to_jsonl(path)
    out = tmp_path / "terms.csv"
    assert main(["terms", "extract", str(path), "-n", "2", "--min-freq", "1", "-o", str(out)]) == 0
    table = pd.read_csv(out)
    assert table["term"].tolist() == ["来日外国人犯罪", "外国人"] and table["cvalue"].tolist() == pytest.approx([4.0, 5 / 3])
    assert main(["terms", "extract", str(path), "--keep", "side=ngo", "--min-freq", "1"]) == 0
    assert "外国人" in capsys.readouterr().out
    assert main(["terms", "extract", str(path), "--keep", "side=media"]) == 1

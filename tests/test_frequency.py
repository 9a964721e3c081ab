"""Frequency and n-gram lists, checked against counts done by hand and by collections.Counter."""
from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from discourse.dtm import DocTermMatrix
from discourse.errors import ConfigError
from discourse.metrics.frequency import dispersion_plot, dispersion_positions, frequency
from discourse.tokens import Tokens

DOCS = [["外国人", "犯罪", "増加", "外国人"], ["外国人", "人権", "共生"], ["犯罪", "統計", "犯罪", "犯罪"], ["人権", "外国人"]]
SENTS = [[0, 0, 1, 1], [0, 0, 0], [0, 0, 1, 1], [0, 0]]


@pytest.fixture()
def toks() -> Tokens:
    dv = pd.DataFrame({"side": ["state", "ngo", "state", "ngo"], "year": [2004, 2003, 2003, 2004]},
                      index=pd.Index(["s1", "n1", "s2", "n2"], name="doc_id"))
    return Tokens.from_lists(DOCS, dv, sentences=SENTS)


def test_unigram_counts_match_counter(toks: Tokens) -> None:
    df = frequency(toks).set_index("term")
    expected = Counter(t for d in DOCS for t in d)
    assert df["freq"].to_dict() == dict(expected)
    assert df.loc["外国人", "docfreq"] == 3 and df.loc["外国人", "range"] == pytest.approx(0.75)
    assert df.loc["外国人", "rel_freq"] == pytest.approx(4 / 13 * 1e6)
    assert df["rank"].tolist() == [1, 1, 3, 4, 4, 4]   # 外国人 and 犯罪 tie (4), 人権 (2), three terms tie at 1


def test_dp_by_hand(toks: Tokens) -> None:
    # 犯罪: 1 of 4 tokens in s1, 3 in s2; doc shares of 13 tokens: 4/13, 3/13, 4/13, 2/13
    v = np.array([1 / 4, 0, 3 / 4, 0])
    s = np.array([4, 3, 4, 2]) / 13
    dp = 0.5 * np.abs(v - s).sum()
    assert frequency(toks).set_index("term").loc["犯罪", "dp"] == pytest.approx(dp)


def test_by_group_and_min_count(toks: Tokens) -> None:
    df = frequency(toks, by="side", min_count=2)
    state = df[df["group"] == "state"].set_index("term")
    assert state["freq"].to_dict() == {"犯罪": 4, "外国人": 2}
    assert state["n_tokens"].iloc[0] == 8 and state["n_docs"].iloc[0] == 2
    # 外国人 in state: both tokens in s1 -> DP = 0.5 * (|1 - 4/8| + |0 - 4/8|) = 0.5
    assert state.loc["外国人", "dp"] == pytest.approx(0.5)
    ngo = df[df["group"] == "ngo"].set_index("term")
    assert ngo["freq"].to_dict() == {"人権": 2, "外国人": 2}


def test_bigrams_stay_within_sentences(toks: Tokens) -> None:
    df = frequency(toks, n=2).set_index("term")
    brute = Counter()
    for terms, sents in zip(DOCS, SENTS):
        for k in range(len(terms) - 1):
            if sents[k] == sents[k + 1]:
                brute[f"{terms[k]}_{terms[k + 1]}"] += 1
    assert df["freq"].to_dict() == dict(brute)
    assert "犯罪_増加" not in df.index   # crosses a sentence boundary
    assert df.loc["犯罪_犯罪", "freq"] == 1 and df["n_tokens"].iloc[0] == sum(brute.values())


def test_dtm_input_equals_tokens(toks: Tokens) -> None:
    a = frequency(toks)
    b = frequency(DocTermMatrix.from_tokens(toks))
    pd.testing.assert_frame_equal(a.sort_values("term").reset_index(drop=True), b.sort_values("term").reset_index(drop=True))
    with pytest.raises(ConfigError, match="n-grams need Tokens"):
        frequency(DocTermMatrix.from_tokens(toks), n=2)


def test_dispersion_positions_ordered_by_year(toks: Tokens) -> None:
    pos = dispersion_positions(toks, ["犯罪", "人権"], over="year")
    # order by year: n1 (2003, 3 tokens), s2 (2003, 4), s1 (2004, 4), n2 (2004, 2)
    assert pos[pos["term"] == "犯罪"]["position"].tolist() == [3, 5, 6, 8]
    assert pos[pos["term"] == "人権"]["position"].tolist() == [1, 11]
    assert pos.attrs["docs"]["doc_id"].tolist() == ["n1", "s2", "s1", "n2"]
    fig = dispersion_plot(toks, ["犯罪", "人権"], by="side")
    assert len(fig.axes) == 2 and [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["犯罪", "人権"]


def test_numeric_groups_in_numeric_order() -> None:
    dv = pd.DataFrame({"session": [10, 9, 10]}, index=pd.Index(["a", "b", "c"], name="doc_id"))
    df = frequency(Tokens.from_lists([["犯罪"], ["人権", "人権"], ["犯罪", "共生"]], dv), by="session")
    assert list(dict.fromkeys(df["group"])) == [9, 10]
    assert df[df["group"] == 10].set_index("term")["freq"].to_dict() == {"犯罪": 2, "共生": 1}

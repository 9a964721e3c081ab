"""Framed co-occurrence: threat vs rebuttal shares of the sentences that mention a term group,
checked by hand, with document-bootstrap intervals."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from discourse.errors import ConfigError
from discourse.metrics.framed import framed_share, mention_flags

THREAT, REBUTTAL = ["crime_threat", "statistical_threat"], ["statistical_rebuttal"]


@pytest.fixture
def data():
    # doc a (state): 3 mentioning sentences (threat, threat+stat threat, none) + 1 non-mentioning threat
    # doc b (ngo): 2 mentioning (rebuttal; threat quoted and rebutted = both) ; doc c (ngo): 1 mentioning rebuttal
    labels = pd.DataFrame({
        "doc_id":               ["a", "a", "a", "a", "b", "b", "c"],
        "crime_threat":         [1, 1, 0, 1, 0, 1, 0],
        "statistical_threat":   [0, 1, 0, 0, 0, 0, 0],
        "statistical_rebuttal": [0, 0, 0, 0, 1, 1, 1],
    })
    mentions = np.array([True, True, True, False, True, True, True])
    docvars = pd.DataFrame({"side": ["state", "ngo", "ngo"]}, index=pd.Index(["a", "b", "c"], name="doc_id"))
    return labels, docvars, mentions


def test_shares_by_hand(data):
    labels, docvars, mentions = data
    out = framed_share(labels, docvars, mentions, threat=THREAT, rebuttal=REBUTTAL, by="side", n_boot=200).set_index("side")
    state, ngo = out.loc["state"], out.loc["ngo"]
    assert (state.n_mentions, state.n_threat, state.n_rebuttal) == (3, 2, 0)   # the non-mentioning threat is not counted
    assert state.share_threat == pytest.approx(2 / 3) and state.balance == pytest.approx(2 / 3)
    assert (ngo.n_docs, ngo.n_mentions, ngo.n_threat, ngo.n_rebuttal) == (2, 3, 1, 3)
    assert ngo.share_rebuttal == pytest.approx(1.0) and ngo.balance == pytest.approx((1 - 3) / 3)
    # one state document: the bootstrap cannot vary it
    assert state.share_threat_ci_low == state.share_threat_ci_high == pytest.approx(2 / 3)
    assert ngo.share_threat_ci_low <= ngo.share_threat <= ngo.share_threat_ci_high


def test_seeded_and_whole_corpus(data):
    labels, docvars, mentions = data
    a = framed_share(labels, docvars, mentions, threat=THREAT, rebuttal=REBUTTAL, by="side", n_boot=100, random_state=4)
    b = framed_share(labels, docvars, mentions, threat=THREAT, rebuttal=REBUTTAL, by="side", n_boot=100, random_state=4)
    pd.testing.assert_frame_equal(a, b)
    whole = framed_share(labels, docvars, mentions, threat=THREAT, rebuttal=REBUTTAL, n_boot=50).iloc[0]
    assert whole.n_mentions == 6 and whole.share_threat == pytest.approx(3 / 6)


def test_errors_name_the_problem(data):
    labels, docvars, mentions = data
    with pytest.raises(ConfigError, match="frames \\['crime_threatt'\\] are not label columns"):
        framed_share(labels, docvars, mentions, threat=["crime_threatt"], rebuttal=REBUTTAL)
    with pytest.raises(ConfigError, match="6 values for 7 label rows"):
        framed_share(labels, docvars, mentions[:-1], threat=THREAT, rebuttal=REBUTTAL)


def test_mention_flags_use_the_tokenizer():
    labels = pd.DataFrame({"doc_id": ["a"] * 4, "text": ["来日外国人の検挙人員は減少した。", "治安が悪化した。",
                                                         "Foreigners are not criminals.", "外国籍の住民が増えた。"]})
    assert mention_flags(labels, "foreigner").tolist()[:3] == [True, False, True]
    assert mention_flags(labels, ["治安"]).tolist() == [False, True, False, False]

"""Discourse markers (negation, quotation, comparison, procedure) as features, by hand."""
from __future__ import annotations

import math

import numpy as np

from discourse.framing.markers import marker_matrix, marker_names, marker_row, markers


def test_markers_of_typical_real_sentences():
    assert set(markers("来日外国人犯罪の検挙件数は前年比12.3%増加した。")) >= {"growth", "number"}
    assert "neg" not in markers("来日外国人犯罪の検挙件数は前年比12.3%増加した。")
    rebut = markers("外国人が犯罪の温床であるという根拠はない。")
    assert rebut.get("neg") and rebut.get("quote")
    assert set(markers("外国人の検挙人員が全検挙人員に占める割合は約2%にすぎない。")) >= {"whole", "number", "neg"}
    assert "procedure" in markers("当会は、下記のとおり会長声明を発表する。")
    assert markers("There is no evidence that foreigners are a hotbed of crime.", "en")["neg"] == 1
    assert "quote" in markers('The so-called "foreign crime wave" is a myth.', "en")


def test_crossed_features():
    frames = ["crime_threat", "statistical_rebuttal"]
    row = marker_row("「外国人犯罪が急増」という報道は誤りだ。", "ja", {"crime_threat": 2}, frames)
    names = marker_names(frames)
    got = dict(zip(names, row))
    assert got["neg×crime_threat"] == 1.0 and got["quote×crime_threat"] == 1.0
    assert got["neg×statistical_rebuttal"] == 0.0            # no cue of that frame in the sentence
    assert got["quote"] == math.log1p(markers("「外国人犯罪が急増」という報道は誤りだ。")["quote"])
    plain = dict(zip(names, marker_row("外国人犯罪が急増している。", "ja", [2, 0], frames)))
    assert plain["neg×crime_threat"] == 0.0 and plain["quote×crime_threat"] == 0.0
    m = marker_matrix(["a", "b"], ["ja", "en"], np.zeros((2, 2)), frames)
    assert m.shape == (2, len(names))

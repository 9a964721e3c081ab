"""The bundled codebook and the validation of user codebooks."""
from __future__ import annotations

import pytest

from discourse.errors import ConfigError
from discourse.framing import load_codebook

FRAMES = ["crime_threat", "illegal_residence", "public_safety", "cultural_other", "statistical_threat",
          "human_rights", "discrimination", "labor_contribution", "integration", "statistical_rebuttal"]


def test_bundled_codebook_has_the_ten_frames_with_lexicons():
    cb = load_codebook()
    assert list(cb.ids) == FRAMES
    assert cb.version == "1.0" and len(cb.coding_rules) == 5
    for frame in cb.frames:
        assert len(frame.cues_ja) >= 10 and len(frame.cues_en) >= 5, frame.id
        assert frame.dimension and frame.definition and frame.examples
    assert {f.side for f in cb.frames} == {"state", "ngo"}
    assert cb["discrimination"].side == "ngo"


def _write(tmp_path, body):
    path = tmp_path / "cb.toml"
    path.write_text('name = "t"\nversion = "1"\n' + body, encoding="utf-8")
    return path


FRAME = '''[[frame]]
id = "{id}"
label = "x"
side = "state"
dimension = "d"
definition = "d"
include = ["a"]
exclude = ["b"]
cues_ja = {cues}
cues_en = []
examples = ["e"]
'''


@pytest.mark.parametrize("body, message", [
    (FRAME.format(id="a", cues='["犯罪"]') + FRAME.format(id="a", cues='["治安"]'), "'a' is used twice"),
    (FRAME.format(id="a", cues="[]"), "empty lexicon"),
    (FRAME.format(id="a", cues='["犯罪"]').replace("dimension", "dimenson"), "did you mean 'dimension'"),
    ("titel = 'x'\n" + FRAME.format(id="a", cues='["犯罪"]'), "unknown key 'titel'"),
    (FRAME.format(id="a", cues='["犯罪"]').replace('side = "state"', 'side = "police"'), "side 'police'"),
    ("", "no \\[\\[frame\\]\\]"),
])
def test_invalid_codebooks_are_rejected_with_the_reason(tmp_path, body, message):
    path = _write(tmp_path, body)
    with pytest.raises(ConfigError, match=message) as info:
        load_codebook(path)
    assert str(path) in str(info.value)


def test_unknown_frame_id_suggests_the_closest():
    with pytest.raises(ConfigError, match="did you mean 'discrimination'"):
        load_codebook().check_ids(["discrimnation"])

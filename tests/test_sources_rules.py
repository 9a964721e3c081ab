"""Rules files: ordered regex rules assigning study variables, with clear errors."""
from __future__ import annotations

from pathlib import Path

import pytest

from discourse.corpus import Corpus, Document
from discourse.errors import ConfigError
from discourse.sources.kokkai import SPEECH_DOCVARS
from discourse.sources.rules import apply_rules, load_rules, parse_rules

EXAMPLE = Path(__file__).resolve().parents[1] / "corpora" / "rules" / "kokkai_side.toml"


def doc(doc_id, **extra):
    return Document(doc_id, "外国人の問題について。", extra=extra)


CORPUS = Corpus([doc("a", speaker_position="法務大臣", speaker_group=""),
                 doc("b", speaker_position="", speaker_group="架空党"),
                 doc("c", speaker_position="法務委員長", speaker_group="架空党"),
                 doc("d", speaker_position=None, speaker_group=None)])


def write(tmp_path, text):
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_first_match_wins_and_all_fields_must_match(tmp_path):
    rules = load_rules(write(tmp_path, '''
record_rule_as = "why"
[default]
side = "other"
camp = "none"
[[rules]]
name = "chair of the party"
match.speaker_group = "^架空党$"
match.speaker_position = "委員長"
set.side = "media"
set.camp = "chair"
[[rules]]
name = "minister"
match.speaker_position = "大臣"
set.side = "state"
[[rules]]
name = "party"
match.speaker_group = "架空"
set.camp = "party"
[[rules]]
name = "never reached for c"
match.speaker_position = "長"
set.side = "ngo"
'''))
    out, counts = apply_rules(CORPUS, rules)
    got = {d.doc_id: (d.side, d.extra.get("camp"), d.extra["why"]) for d in out}
    assert got == {"a": ("state", None, "minister"),            # sets only side: camp stays unset
                   "b": ("", "party", "party"),                  # side keeps the document's (empty) value
                   "c": ("media", "chair", "chair of the party"),  # both fields match: rule 1 before rule 4
                   "d": ("other", "none", "default")}            # None matches as ""
    assert counts.by_rule.to_dict("list") == {"rule": [1, 2, 3, 4, 0],
                                              "name": ["chair of the party", "minister", "party", "never reached for c",
                                                       "default"],
                                              "n_docs": [1, 1, 1, 0, 1]}
    by_value = {(v, x): n for v, x, n in counts.by_value.itertuples(index=False)}
    assert by_value == {("side", "state"): 1, ("side", "other"): 1, ("side", ""): 1, ("side", "media"): 1,
                        ("camp", ""): 1, ("camp", "party"): 1, ("camp", "chair"): 1, ("camp", "none"): 1}
    assert "documents per rule" in str(counts)
    assert [d.side for d in CORPUS] == [""] * 4   # the input corpus is unchanged (side unknown)


def test_example_rules_file_loads_against_speech_fields():
    rules = load_rules(EXAMPLE, fields=SPEECH_DOCVARS + ("title", "text"))
    assert rules.variables == ["side"] and rules.record_rule_as == "side_rule"
    assert rules.default == {"side": "other"}


@pytest.mark.parametrize("text, message", [
    ('[[rules]]\nmatch.speaker = "("\nset.side = "state"\n', r"rule 1: field 'speaker': bad regex '\('"),
    ('[[rules]]\nmatch.speaker = "a"\nset.side = "state"\n[[rules]]\nmatch.speaker_positon = "a"\nset.side = "state"\n',
     r"rule 2: field 'speaker_positon' is not a field.*did you mean 'speaker_position'"),
    ('[[rules]]\nname = "gov"\nmatch.speaker = "a"\nset.language = "jp"\n',
     r"rule 1 \(gov\): set: variable 'language' = 'jp' is not one of"),
    ('[[rules]]\nmatch.speaker = "a"\n', r"rule 1: no 'set' table"),
    ('[[rules]]\nset.side = "state"\n', r"rule 1: no 'match' table"),
    ('[[rules]]\nmatch.speaker = 3\nset.side = "state"\n', r"rule 1: field 'speaker': regex 3 is a int"),
    ('[[rules]]\nmatch.speaker = "a"\nset.side = "state"\nsets.x = "y"\n', r"rule 1: unknown key 'sets'.*did you mean 'set'"),
    ('[[rules]]\nmatch.speaker = "a"\nset.text = "x"\n', r"rule 1: set: variable 'text' cannot be set"),
    ('[defaults]\nside = "other"\n', r"unknown key 'defaults'.*did you mean 'default'"),
    ('[default]\nside = "other"\n', r"no rules"),
    ('[default]\nside = other\n', r"not valid TOML"),
    ('record_rule_as = "side"\n[[rules]]\nmatch.speaker = "a"\nset.side = "state"\n', r"record_rule_as='side'"),
])
def test_bad_rules_files_name_file_rule_and_field(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as info:
        load_rules(path, fields=SPEECH_DOCVARS)
    assert str(path) in str(info.value)


def test_unknown_field_is_caught_when_applied(tmp_path):
    rules = parse_rules({"rules": [{"match": {"speker": "a"}, "set": {"side": "state"}}]}, path="my.toml")
    with pytest.raises(ConfigError, match=r"^my.toml: rule 1: field 'speker' is not a field of these documents"):
        apply_rules(CORPUS, rules)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="rules file not found"):
        load_rules(tmp_path / "nope.toml")

"""``discourse validate`` makes the checks the run makes, before any work: each mistake a run would
fail on is caught with a message naming the config file, the key, the bad value, the valid choices
and the fix; paths stay inside the project; the real-corpus config names the command that fetches it."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import pandas as pd

import pytest

from discourse.cli import main
from discourse.errors import ConfigError
from discourse.experiment import load_experiment, run_experiment, validate_inputs

ROOT = Path(__file__).resolve().parents[1]
DEMO = (ROOT / "corpora" / "demo").as_posix()
ANNOTATIONS = ROOT / "corpora" / "demo" / "annotations"


@pytest.fixture(autouse=True)
def _env(monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("DISCOURSE_CACHE", str(tmp_path / "cache"))


def _config(tmp_path: Path, body: str, *, corpus: str = DEMO, framing: bool = False, compare: bool = True) -> Path:
    head = f'name = "v"\n[corpus]\npath = "{corpus}"\n[topics]\nenabled = false\n[framing]\nenabled = {str(framing).lower()}\n'
    if compare:
        head += '[compare]\nby = "side"\ntarget = "state"\nreference = "ngo"\n'
    path = tmp_path / "exp.toml"
    path.write_text(head + body, encoding="utf-8")
    return path


def _fails(path: Path, pattern: str, overrides: tuple[str, ...] = ()) -> str:
    """The error of load + validate, which must name the config file and match ``pattern``."""
    with pytest.raises(ConfigError, match=pattern) as info:
        validate_inputs(load_experiment(path, list(overrides)))
    assert str(path) in str(info.value)
    return str(info.value)


def _small_corpus(tmp_path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    path = tmp_path / "small.jsonl"
    path.write_text("".join(json.dumps({"doc_id": d, "text": t, "side": s, "date": y}, ensure_ascii=False) + "\n"
                            for d, t, s, y in rows), encoding="utf-8")
    return path


SMALL = [("a1", "外国人犯罪が増加した。治安が悪化している。", "state", "2004"),
         ("a2", "来日外国人の検挙件数が増えた。", "state", "2005"),
         ("b1", "外国人への差別をなくそう。人権を守る。", "ngo", "2004"),
         ("b2", "多文化共生の地域づくりを進める。", "ngo", "2006")]


def test_metric_by_not_a_docvar_suggests_the_closest(tmp_path):
    path = _config(tmp_path, '[[metrics]]\nkind = "keyness"\nparams = { by = "sidee", target = "state" }\n')
    message = _fails(path, r"metrics\[0\]\.params\.by = 'sidee' is not a docvar of the corpus")
    assert "did you mean 'side'" in message and "'genre'" in message     # the valid docvars are listed


def test_metric_measure_is_checked_against_the_literal_choices(tmp_path):
    path = _config(tmp_path, '[[metrics]]\nkind = "keyness"\nparams = { measure = "G3" }\n')
    message = _fails(path, r"metrics\[0\]\.params\.measure = 'G3' \(keyness ''\) is not one of")
    assert "'log_ratio'" in message and "did you mean 'G2'" in message


def test_tokenize_pos_choice(tmp_path):
    _fails(_config(tmp_path, '[tokenize]\npos = "nonsense"\n'), r"tokenize\.pos = 'nonsense' is not one of \['content', 'all'\]")


def test_topics_effects_names_a_missing_docvar(tmp_path):
    path = _config(tmp_path, "")
    message = _fails(path, r"topics\.effects = 'side \* nonexistent' names 'nonexistent', which is not a docvar",
                     ("topics.enabled=true", "topics.effects='side * nonexistent'"))
    assert "'year'" in message


def test_missing_codebook_file_is_named(tmp_path):
    path = _config(tmp_path, "", framing=True)
    message = _fails(path, r"framing\.codebook = '.*no_such_codebook\.toml' does not exist",
                     ("framing.codebook='no_such_codebook.toml'",))
    assert str(tmp_path / "no_such_codebook.toml") in message       # resolved from the config's folder


def test_years_outside_the_data(tmp_path):
    message = _fails(_config(tmp_path, ""), r"corpus\.years = \[2030, 2040\] is outside the data", ("corpus.years=[2030, 2040]",))
    assert "from 1990 to 2010" in message


def test_gold_labels_on_an_unannotated_corpus(tmp_path):
    corpus = _small_corpus(tmp_path, SMALL)
    path = _config(tmp_path, "", corpus=corpus.as_posix(), framing=True)
    _fails(path, r"prevalence_labels = 'gold' but only 0 of the 4 corpus documents are annotated.*\"classifier\" or \"dictionary\"")
    assert validate_inputs(load_experiment(path, ["framing.prevalence_labels='dictionary'"]))


def test_compared_levels_absent_from_the_corpus(tmp_path):
    path = _config(tmp_path, "")
    message = _fails(path, r"compare\.reference = 'ngo' is not a value of 'side' in the corpus .*after corpus\.filters",
                     ("corpus.filters={ side = ['state', 'media'] }",))
    assert "['media', 'state']" in message
    _fails(path, r"compare\.target = 'stat' is not a value of 'side'.*did you mean 'state'", ("compare.target='stat'",))
    _fails(path, r"compare\.by = 'party' is not a docvar", ("compare.by='party'",))


def test_topics_run_fails_at_validate_not_mid_run_when_a_level_is_missing(tmp_path):
    path = _config(tmp_path, "")
    cfg = load_experiment(path, ["corpus.filters={ side = 'state' }", "topics.enabled=true", f"outputs.dir='{tmp_path / 'runs'}'"])
    with pytest.raises(ConfigError, match=r"compare\.reference = 'ngo' is not a value of 'side'"):
        run_experiment(cfg)
    assert not (tmp_path / "runs").exists()                          # stopped before any folder or work


def test_annotation_frames_must_be_in_the_codebook(tmp_path):
    lines = (ANNOTATIONS / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["frames"] = ["alien_frame"]
    (tmp_path / "gold.jsonl").write_text("\n".join([json.dumps(first, ensure_ascii=False)] + lines[1:]) + "\n", encoding="utf-8")
    path = _config(tmp_path, "", framing=True)
    path.write_text(path.read_text().replace("[framing]\nenabled = true\n", "[framing]\nenabled = true\nannotations = \"gold.jsonl\"\n"
                                             f"split = \"{(ANNOTATIONS / 'split.csv').as_posix()}\"\n"))
    message = _fails(path, r"framing\.annotations = .*gold\.jsonl.*unknown frame 'alien_frame'")
    assert "add the frame to the codebook" in message


@pytest.mark.parametrize("key", ["annotations", "split"])
def test_missing_annotation_and_split_files(tmp_path, key):
    path = _config(tmp_path, "", framing=True)
    _fails(path, rf"framing\.{key} = '.*missing\.file' does not exist", (f"framing.{key}='missing.file'",))


def test_metric_docvar_values_are_checked(tmp_path):
    path = _config(tmp_path, '[[metrics]]\nkind = "keyness"\nparams = { target = "ngos" }\n')
    _fails(path, r"metrics\[0\]\.params\.target = 'ngos' is not a value of 'side'.*did you mean 'ngo'")
    path = _config(tmp_path, '[[metrics]]\nkind = "keyness"\nparams = { by = "year", target = "2004" }\n')
    _fails(path, r"target = '2004' is not a value of 'year'.*numbers: write them without quotes")
    path = _config(tmp_path, '[[metrics]]\nkind = "cooccurrence"\nparams = { a = "foreigners", b = "crime" }\n')
    _fails(path, r"params\.a = 'foreigners' is not a bundled term group \(did you mean 'foreigner'\?\)")


def test_a_comparison_metric_without_compare_needs_its_groups(tmp_path):
    path = _config(tmp_path, '[[metrics]]\nkind = "keyness"\nparams = { measure = "G2" }\n', compare=False)
    _fails(path, r"metrics\[0\] \(keyness ''\) needs 'by': give it in params or state the comparison in \[compare\]")


def test_compare_fills_omitted_metric_params_and_explicit_params_win(tmp_path):
    body = ('[[metrics]]\nkind = "keyness"\nparams = { measure = "G2" }\n'
            '[[metrics]]\nkind = "keyness"\nparams = { target = "ngo", reference = "state" }\n'
            '[[metrics]]\nkind = "keyness"\nparams = { by = "genre", target = "statement" }\n'
            '[[metrics]]\nkind = "collocations"\nparams = { node = "外国人" }\n')
    cfg = load_experiment(_config(tmp_path, body))
    params = [spec.params for spec in cfg.metrics]
    assert params[0] == {"measure": "G2", "by": "side", "target": "state", "reference": "ngo"}
    assert params[1] == {"by": "side", "target": "ngo", "reference": "state"}
    assert params[2] == {"by": "genre", "target": "statement"}        # another docvar: its levels are not ours
    assert params[3] == {"node": "外国人", "by": "side"}


def test_removed_dtm_sides_points_to_compare(tmp_path):
    _fails(_config(tmp_path, '[dtm]\nsides = ["state", "ngo"]\n'), r"dtm\.sides is no longer a key.*\[compare\]")


@pytest.mark.parametrize("override, pattern", [
    ("name='../../x'", r"name = '\.\./\.\./x' is not a plain name"),
    ("outputs.dir='../../etc'", r"outputs\.dir = '\.\./\.\./etc' resolves to .*, outside the project"),
    ("corpus.path='/etc'", r"corpus\.path = '/etc' resolves to /etc, outside the project .*DISCOURSE_PATHS"),
])
def test_paths_stay_inside_the_project(tmp_path, override, pattern):
    with pytest.raises(ConfigError, match=pattern):
        load_experiment(_config(tmp_path, ""), [override])


def test_relative_paths_resolve_from_the_config_folder(tmp_path, monkeypatch):
    (tmp_path / "study").mkdir()
    corpus = _small_corpus(tmp_path / "study", SMALL)
    config = tmp_path / "study" / "exp.toml"
    config.write_text(f'name = "v"\n[corpus]\npath = "{corpus.name}"\n[topics]\nenabled = false\n[framing]\nenabled = false\n'
                      '[outputs]\ndir = "out"\n', encoding="utf-8")
    monkeypatch.chdir(ROOT / "corpora")                              # the working folder plays no part
    cfg = load_experiment(config)
    assert cfg.corpus.path == str(corpus.resolve()) and cfg.outputs.dir == str((tmp_path / "study" / "out").resolve())
    assert "4 documents" in validate_inputs(cfg)[0]
    monkeypatch.setenv("DISCOURSE_PATHS", str(tmp_path))
    assert load_experiment(config, ["outputs.dir='../elsewhere'"]).outputs.dir == str((tmp_path / "elsewhere").resolve())


def test_real_config_names_the_fetch_command_without_a_traceback(tmp_path, capsys, monkeypatch):
    real = ROOT / "experiments" / "real_state_vs_ngo.toml"
    cfg = load_experiment(real)
    if Path(cfg.corpus.path).exists():
        pytest.skip("the real corpus has been fetched on this machine")
    monkeypatch.setenv("DISCOURSE_PATHS", str(tmp_path))
    command = "discourse fetch urls corpora/real/recipe.csv -o corpora/real/texts/corpus.jsonl"
    for argv in (["validate", str(real)], ["run", str(real), "--quiet", "--set", f"outputs.dir='{tmp_path / 'runs'}'"]):
        assert main(argv) != 0
        err = capsys.readouterr().err
        assert f"`{command}`" in err and "corpora/real/texts/corpus.jsonl' does not exist" in err
        assert "Traceback" not in err
    assert not (tmp_path / "runs").exists()


def test_validate_cli_prints_the_checks(tmp_path, capsys):
    path = _config(tmp_path, '[[metrics]]\nkind = "keyness"\nparams = { measure = "G2" }\n')
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "compare side: state vs ngo (187 documents)" in out and "metrics[0] keyness '': ok" in out
    assert main(["validate", str(path), "--set", "compare.target='stat'"]) != 0
    assert "did you mean 'state'" in capsys.readouterr().err


def term_count(x, term: str, *, unit: Literal["token", "document"] = "token"):
    """A new analysis for the test: how often ``term`` occurs, by token or by document."""
    import numpy as np

    counts = np.array([list(doc).count(term) for doc in x.to_lists()])
    return pd.DataFrame({"term": [term], "unit": [unit], "n": [int(counts.sum() if unit == "token" else (counts > 0).sum())]})


def test_a_new_metric_kind_is_a_registration_checked_like_the_bundled_ones(tmp_path):
    from discourse.experiment import register_metric
    from discourse.experiment.context import METRICS

    register_metric("term_count", term_count)
    try:
        body = '[[metrics]]\nkind = "term_count"\nparams = { term = "外国人", unit = "sentence" }\n'
        _fails(_config(tmp_path, body), r"metrics\[0\]\.params\.unit = 'sentence' \(term_count ''\) is not one of \['token', 'document'\]")
        body = body.replace('"sentence"', '"document"').replace("[topics]", "[outputs]\ndir = \"runs\"\n[topics]")
        cfg = load_experiment(_config(tmp_path, body, compare=False), ["corpus.filters={ side = 'state' }"])
        out = run_experiment(cfg)
        table = pd.read_csv(out / "tables" / "term_count.csv")
        from discourse.load import read_corpus
        from discourse.tokenize import tokenize

        state = read_corpus(DEMO).subset(side="state")
        expected = sum("外国人" in doc for doc in tokenize(state).to_lists())
        assert table["n"].tolist() == [expected] and expected > 10
    finally:
        METRICS.pop("term_count", None)


def test_crime_figures_indicators_are_checked(tmp_path):
    body = '[[metrics]]\nkind = "crime_figures"\nparams = { offenders = "raini_penal_person" }\n'
    _fails(_config(tmp_path, body), r"metrics\[0\]\.params: 'raini_penal_person' is not an indicator of the statistics table "
                                    r"\(did you mean 'raini_penal_persons'\?\)")
    mixed = '[[metrics]]\nkind = "crime_figures"\nparams = { offenders = "foreign_all_penal_persons", offences = "raini_penal_cleared_cases" }\n'
    _fails(_config(tmp_path, mixed), r"metrics\[0\]\.params: crime_figures: offences='raini_penal_cleared_cases' counts 来日外国人")

"""The command line through ``discourse.cli.main``: exit codes, the files written and their values,
and one clean ``discourse: error: ...`` line for every error case."""
from __future__ import annotations

import errno
import json
import platform
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from discourse import metrics, read_corpus
from discourse.cli import build_parser, main
from discourse.cli.common import format_value
from discourse.cli.run import run_summary
from discourse.errors import ConfigError
from discourse.tokenize import tokenize

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "corpora" / "demo"


@pytest.fixture(autouse=True)
def _env(monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("DISCOURSE_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("DISCOURSE_DEBUG", raising=False)


@pytest.fixture(scope="module")
def ja_tokens():
    return tokenize(read_corpus(DEMO).subset(language="ja"), cache_dir=False)


def error_line(capsys) -> str:
    """The stderr of a failed command: exactly one ``discourse: error:`` line and no traceback."""
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("discourse: error: ")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# --- the package shape ------------------------------------------------------------------------
def test_importing_the_cli_loads_no_heavy_library():
    code = ("import sys, discourse.cli; heavy = sorted({m.split('.')[0] for m in sys.modules} & "
            "{'matplotlib', 'gensim', 'sklearn'}); print(','.join(heavy) or 'none')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "none"


@pytest.mark.parametrize("module", ["discourse", "discourse.cli"])
def test_python_dash_m_runs_the_cli(module):
    done = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert done.returncode == 0, done.stderr
    for command in ("run", "validate", "info", "corpus", "keyness", "kwic", "collocations", "frames", "topics"):
        assert f"    {command}" in done.stdout


def test_every_command_has_a_handler():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, p in sub.choices.items():
        nested = [a for a in p._actions if a.__class__.__name__ == "_SubParsersAction"]
        parsers = nested[0].choices.values() if nested else [p]
        for leaf in parsers:
            assert callable(leaf.get_default("func")), name


def test_usage_error_is_2_and_help_is_0(capsys):
    assert main(["kwic", "x", "--no-such-option"]) == 2
    assert "unrecognized arguments" in capsys.readouterr().err
    assert main(["--help"]) == 0
    assert main([]) == 2


# --- metrics ----------------------------------------------------------------------------------
def test_keyness_needs_by_and_target(capsys):
    assert main(["keyness", "--language", "ja"]) == 2
    assert "the following arguments are required: --by, --target" in capsys.readouterr().err


def test_keyness_command_matches_the_function(tmp_path, ja_tokens):
    out = tmp_path / "k.csv"
    assert main(["keyness", "--language", "ja", "--by", "side", "--target", "state", "--measure", "log_ratio",
                 "-o", str(out), "--bom"]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    got = pd.read_csv(out, encoding="utf-8-sig")
    want = metrics.keyness(ja_tokens, by="side", target="state", reference=None, measure="log_ratio")
    assert len(got) == len(want)
    assert list(got["term"][:20]) == list(want["term"][:20])
    assert got["log_ratio"].to_numpy()[:20] == pytest.approx(want["log_ratio"].to_numpy()[:20])


def test_keyness_with_an_explicit_reference_and_several_targets(tmp_path, ja_tokens):
    out = tmp_path / "k.csv"
    assert main(["keyness", "--language", "ja", "--by", "side", "--target", "state", "media",
                 "--reference", "ngo", "-o", str(out)]) == 0
    got = pd.read_csv(out)
    want = metrics.keyness(ja_tokens, by="side", target=["state", "media"], reference="ngo", measure="G2")
    assert list(got["term"][:10]) == list(want["term"][:10])
    assert got["G2"].to_numpy()[:10] == pytest.approx(want["G2"].to_numpy()[:10])
    other = metrics.keyness(ja_tokens, by="side", target=["state", "media"], measure="G2")
    assert not got["G2"].to_numpy()[:10] == pytest.approx(other["G2"].to_numpy()[:10])  # the reference mattered


def test_bad_docvar_is_one_error_line_with_the_fix(capsys):
    assert main(["keyness", "--language", "ja", "--by", "sidee", "--target", "state"]) == 1
    line = error_line(capsys)
    assert "did you mean 'side'" in line


def test_debug_flag_shows_the_exception_anywhere_on_the_line():
    with pytest.raises(ConfigError, match="did you mean 'side'"):
        main(["keyness", "--language", "ja", "--by", "sidee", "--target", "state", "--debug"])


def test_kwic_and_collocations_commands(tmp_path, ja_tokens):
    kw, col = tmp_path / "kw.csv", tmp_path / "col.csv"
    assert main(["kwic", "来日 外国人", "--language", "ja", "-o", str(kw)]) == 0
    phrase = pd.read_csv(kw)
    assert len(phrase) == len(metrics.kwic(ja_tokens, "来日 外国人", phrase=True)) > 0
    assert main(["kwic", "不法滞在者", "--language", "ja", "--window", "3", "-o", str(kw)]) == 0
    lines = pd.read_csv(kw)
    corpus = read_corpus(DEMO)
    assert len(lines) == len(metrics.kwic(ja_tokens, "不法滞在者")) > 0
    assert all(corpus[r.doc_id].text[r.start:r.end] == r.keyword == "不法滞在者" for r in lines.itertuples())
    assert main(["kwic", "^外国.*", "--regex", "--language", "ja", "-o", str(kw)]) == 0
    regex = pd.read_csv(kw)
    assert len(regex) == len(metrics.kwic(ja_tokens, "^外国.*", valuetype="regex")) > len(lines)
    assert all(k.startswith("外国") for k in regex["keyword"])
    assert main(["collocations", "外国人", "--language", "ja", "--by", "side", "-o", str(col)]) == 0
    table = pd.read_csv(col)
    want = metrics.collocations(ja_tokens, "外国人", by="side")
    assert len(table) == len(want) and set(table["group"]) == set(want["group"])
    merged = table.merge(want, on=["group", "collocate"], suffixes=("", "_want"))
    assert len(merged) == len(want)
    assert merged["log_dice"].to_numpy() == pytest.approx(merged["log_dice_want"].to_numpy())


def test_metric_without_output_prints_the_first_rows(capsys, ja_tokens):
    assert main(["kwic", "不法滞在者", "--language", "ja"]) == 0
    out = capsys.readouterr().out
    n = len(metrics.kwic(ja_tokens, "不法滞在者"))
    assert out.count("不法滞在者") >= min(n, 30) and (n <= 30 or f"... {n - 30} more rows" in out)
    assert main(["kwic", "存在しない語", "--language", "ja"]) == 0
    assert capsys.readouterr().out == "no rows: nothing matched\n"


def test_kwic_bad_regex_names_the_pattern_and_re_message(capsys):
    assert main(["kwic", "外国[", "--valuetype", "regex"]) == 1
    line = error_line(capsys)
    assert "'外国['" in line and "unterminated character set at position 2" in line


def test_metric_on_a_corpus_with_skipped_lines_exits_3(tmp_path, capsys):
    path = _tiny_corpus(tmp_path / "c.jsonl", '{"doc_id": "broken"')
    out = tmp_path / "k.csv"
    assert main(["keyness", "--corpus", str(path), "--by", "side", "--target", "state", "-o", str(out)]) == 3
    err = capsys.readouterr().err
    assert f"skipped: {path} line 7" in err and "1 item(s) of the corpus" in err
    table = pd.read_csv(out).set_index("term")
    assert table.loc["犯罪", "n_target"] == 3 and table.loc["犯罪", "n_reference"] == 0
    assert table.loc["人権", "n_target"] == 0 and table.loc["人権", "n_reference"] == 1
    assert main(["keyness", "--corpus", str(path), "--by", "side", "--target", "state", "-o", str(out),
                 "--allow-skipped"]) == 0


def _tiny_corpus(path: Path, bad_line: str) -> Path:
    """Six short documents (3 state, 3 ngo; 犯罪 only in state ones), then one bad line (line 7)."""
    texts = ["来日外国人の犯罪が増えた。", "外国人の人権を守る。", "外国人による犯罪の検挙が続く。",
             "外国人住民の権利を守る。", "不法滞在者の犯罪を取り締まる。", "多文化共生の地域をつくる。"]
    rows = [{"doc_id": f"d{i}", "text": t, "side": "ngo" if i % 2 else "state", "language": "ja"}
            for i, t in enumerate(texts)]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows) + bad_line + "\n", encoding="utf-8")
    return path


# --- output and input errors -----------------------------------------------------------------
def test_output_that_is_a_folder_or_in_a_missing_folder(tmp_path, capsys):
    assert main(["keyness", "--by", "side", "--target", "state", "-o", str(tmp_path)]) == 1
    assert f"-o {tmp_path}: is a folder: give a file name inside it" in error_line(capsys)
    missing = tmp_path / "nowhere" / "k.csv"
    assert main(["kwic", "外国人", "-o", str(missing)]) == 1
    line = error_line(capsys)
    assert f"the folder {missing.parent} does not exist" in line and "mkdir -p" in line
    assert not missing.parent.exists()


def _failing_writer(exc: OSError):
    def write(path, data):
        raise exc
    return write


def test_read_only_output_folder_is_a_clean_error(tmp_path, capsys, monkeypatch):
    import discourse.cache

    out = tmp_path / "ro" / "k.csv"
    out.parent.mkdir()
    monkeypatch.setattr(discourse.cache, "atomic_write_bytes",
                        _failing_writer(PermissionError(errno.EACCES, "Permission denied", str(out.parent))))
    assert main(["keyness", "--language", "ja", "--by", "side", "--target", "state", "-o", str(out)]) == 1
    line = error_line(capsys)
    assert line.startswith(f"discourse: error: cannot write {out}: permission denied (Permission denied)")
    assert not out.exists()


def test_full_disk_is_a_clean_error(tmp_path, capsys, monkeypatch):
    import discourse.cache

    out = tmp_path / "k.csv"
    monkeypatch.setattr(discourse.cache, "atomic_write_bytes",
                        _failing_writer(OSError(errno.ENOSPC, "No space left on device")))
    assert main(["kwic", "外国人", "--language", "ja", "-o", str(out)]) == 1
    assert error_line(capsys) == (f"discourse: error: cannot write {out}: no space left on the device: "
                                  "free some space or write somewhere else")


def test_unreadable_inputs(tmp_path, capsys):
    assert main(["keyness", "--corpus", str(tmp_path / "none.jsonl"), "--by", "side", "--target", "state"]) == 1
    assert f"corpus {tmp_path / 'none.jsonl'}: no such file or folder" in error_line(capsys)
    bad = tmp_path / "sjis.jsonl"
    bad.write_bytes('{"doc_id": "a", "text": "外国人", "side": "ngo"}\n'.encode("cp932"))
    assert main(["corpus", "info", str(bad)]) == 1
    line = error_line(capsys)
    assert f"{bad}: no document could be read" in line and "not UTF-8" in line
    assert main(["frames", "annotate-import", str(tmp_path / "sheet.xlsx")]) == 1
    assert "sheet.xlsx" in error_line(capsys)


def test_unreadable_corpus_file(tmp_path, capsys, monkeypatch):
    import discourse.load

    path = _tiny_corpus(tmp_path / "c.jsonl", "")

    def denied(source, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(source))

    monkeypatch.setattr(discourse.load, "read_corpus", denied)
    assert main(["kwic", "外国人", "--corpus", str(path)]) == 1
    assert error_line(capsys) == (f"discourse: error: {path}: permission denied (Permission denied): choose a "
                                  "place you may write to or read from")


def test_error_messages_of_library_exceptions():
    import re

    from discourse.cli import error_message

    with pytest.raises(re.error) as info:
        re.compile("(外国")
    assert error_message(info.value) == ("bad regular expression '(外国': missing ), unterminated subpattern at "
                                         "position 0: fix the pattern (or use --valuetype fixed)")
    assert error_message(OSError(errno.ENOSPC, "No space left on device")) == (
        "no space left on the device: free some space or write somewhere else")
    assert error_message(ConfigError("a\n  b")) == "a; b"


def test_unexpected_exception_is_one_line_pointing_to_debug(monkeypatch, capsys):
    import discourse.experiment.run

    def boom():
        raise RuntimeError("something broke")

    monkeypatch.setattr(discourse.experiment.run, "versions", boom)
    assert main(["info"]) == 1
    assert error_line(capsys) == ("discourse: error: RuntimeError: something broke (unexpected: run again with "
                                  "--debug for the traceback and report it)")
    monkeypatch.setenv("DISCOURSE_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["info"])


# --- corpus ------------------------------------------------------------------------------------
def test_corpus_info_counts(capsys):
    assert main(["corpus", "info", str(DEMO)]) == 0
    out = capsys.readouterr().out
    corpus = read_corpus(DEMO)
    sides = corpus.docvars["side"].value_counts()
    assert f"{len(corpus)} documents" in out or str(len(corpus)) in out.splitlines()[0]
    side_block = out.split("by side:")[1].split("by genre:")[0]
    rows = {line.split()[0]: int(line.split()[1]) for line in side_block.strip().splitlines()[1:]}
    assert rows == sides.to_dict()


def _source_folder(folder: Path, rows: str) -> Path:
    folder.mkdir()
    (folder / "a.txt").write_text("外国人住民の人権を守る。", encoding="utf-8")
    (folder / "b.txt").write_bytes("来日外国人の犯罪が増えたと警察は言う。".encode("cp932"))
    (folder / "c.txt").write_text("不法滞在者の取締りを強化する。", encoding="utf-8")
    (folder / "metadata.csv").write_text("file,doc_id,side,date\n" + rows, encoding="utf-8")
    return folder


GOOD = "a.txt,a,ngo,2004\nb.txt,b,state,2005\nc.txt,c,state,2006\n"


def test_corpus_import_with_skipped_rows_exits_3(tmp_path, capsys):
    folder = _source_folder(tmp_path / "src", GOOD + "missing.txt,m,ngo,2004\n,e,ngo,2004\n")
    out = tmp_path / "corpus.jsonl"
    assert main(["corpus", "import", str(folder), "-o", str(out)]) == 3
    captured = capsys.readouterr()
    problems = tmp_path / "corpus.problems.csv"
    assert "wrote 3 documents" in captured.out
    assert f"2 row(s) or file(s) of {folder} skipped; the problems are listed in {problems}" in captured.err
    table = pd.read_csv(problems)
    assert table["line"].tolist() == [5, 6] and table["field"].tolist() == ["file", "file"]
    assert "missing.txt" in table["message"][0]
    corpus = read_corpus(out)
    assert corpus.doc_ids == ["a", "b", "c"]
    assert corpus["b"].text == "来日外国人の犯罪が増えたと警察は言う。" and corpus["b"].side == "state"
    assert main(["corpus", "import", str(folder), "-o", str(out), "--allow-skipped",
                 "--problems", str(tmp_path / "p.csv")]) == 0
    assert len(pd.read_csv(tmp_path / "p.csv")) == 2


def test_corpus_import_clean_and_all_skipped(tmp_path, capsys):
    folder = _source_folder(tmp_path / "ok", GOOD)
    out = tmp_path / "ok.jsonl"
    assert main(["corpus", "import", str(folder), "-o", str(out)]) == 0
    assert len(read_corpus(out)) == 3 and not (tmp_path / "ok.problems.csv").exists()
    capsys.readouterr()
    bad = _source_folder(tmp_path / "bad", "x.txt,x,ngo,2004\ny.txt,y,ngo,2004\n")
    out = tmp_path / "bad.jsonl"
    assert main(["corpus", "import", str(bad), "-o", str(out), "--allow-skipped"]) == 1
    line = error_line(capsys)
    assert "every row was skipped" in line and "bad.problems.csv" in line
    assert not out.exists() and len(pd.read_csv(tmp_path / "bad.problems.csv")) >= 2


def test_corpus_import_output_checked_before_reading(tmp_path, capsys):
    folder = _source_folder(tmp_path / "src", GOOD)
    assert main(["corpus", "import", str(folder), "-o", str(tmp_path / "no" / "c.jsonl")]) == 1
    assert "does not exist" in error_line(capsys)
    assert main(["corpus", "import", str(tmp_path / "nope"), "-o", str(tmp_path / "c.jsonl")]) == 1
    assert "nope: no such folder" in error_line(capsys)


# --- run, validate, info -----------------------------------------------------------------------
DEMO_PATH = (Path(__file__).resolve().parent.parent / "corpora" / "demo").as_posix()
BASE = ('name = "t"\n[corpus]\npath = "' + DEMO_PATH + '"\nfilters = { side = ["state", "ngo"], language = "ja" }\n'
        '[topics]\nenabled = false\n[framing]\nenabled = false\n[outputs]\nreport = false\nfigures = false\n'
        '[[metrics]]\nkind = "keyness"\nparams = { by = "side", target = "state", reference = "ngo" }\n')


@pytest.fixture(autouse=True)
def _outputs_allowed(monkeypatch, tmp_path):
    """Configs and runs of these tests live in tmp_path: an allowed folder (DISCOURSE_PATHS)."""
    monkeypatch.setenv("DISCOURSE_PATHS", str(tmp_path))


def _config(tmp_path: Path, body: str = BASE) -> Path:
    path = tmp_path / "exp.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_validate_run_and_the_summary(tmp_path, capsys):
    path = _config(tmp_path)
    assert main(["validate", str(path)]) == 0
    assert f"{path}: OK" in capsys.readouterr().out
    assert main(["run", str(path), "--quiet", "--set", f"outputs.dir='{tmp_path / 'runs'}'"]) == 0
    out = capsys.readouterr().out
    folder = Path(out.split("run complete: ")[1].splitlines()[0])
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "ok" and out.startswith("wrote 2 tables, 0 figures (corpus ")
    table = pd.read_csv(folder / "tables" / "keyness.csv")
    tokens = tokenize(read_corpus(DEMO).subset(language="ja", side=["state", "ngo"]), cache_dir=False)
    want = metrics.keyness(tokens, by="side", target="state", reference="ngo")
    assert list(table["term"][:10]) == list(want["term"][:10])
    assert table["G2"].to_numpy()[:10] == pytest.approx(want["G2"].to_numpy()[:10])


def test_bad_override_and_missing_config(tmp_path, capsys):
    path = _config(tmp_path)
    assert main(["validate", str(path), "--set", "topics.n_topic=3"]) == 1
    assert "did you mean 'n_topics'" in error_line(capsys)
    assert main(["run", str(tmp_path / "nope.toml")]) == 1
    assert error_line(capsys) == (f"discourse: error: config {tmp_path / 'nope.toml'} does not exist: give an "
                                  "experiment TOML file, e.g. experiments/state_vs_ngo.toml")
    assert main(["validate", str(tmp_path)]) == 1
    assert "is a folder" in error_line(capsys)


def test_interrupted_run_exits_130_and_is_kept_as_failed(tmp_path, capsys, monkeypatch):
    import functools

    import discourse.metrics
    from discourse.experiment import context

    @functools.wraps(discourse.metrics.keyness)      # same signature: the config is checked against it
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    context.metric_kinds()
    monkeypatch.setitem(context.METRICS, "keyness", context.MetricKind("keyness", interrupt, True))
    runs = tmp_path / "runs"
    assert main(["run", str(_config(tmp_path)), "--quiet", "--set", f"outputs.dir='{runs}'"]) == 130
    err = capsys.readouterr().err
    assert err.rstrip().endswith("discourse: interrupted") and "Traceback" not in err
    folders = list((runs / "t").iterdir())
    assert len(folders) == 1 and folders[0].name.endswith("-failed")
    assert f"kept as {folders[0]}" in err
    manifest = json.loads((folders[0] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "failed" and manifest["error"].startswith("KeyboardInterrupt")


def test_run_summary_prints_any_json_value(tmp_path, capsys, monkeypatch):
    manifest = {"files": ["tables/a.csv", "tables/b.csv", "figures/c.png", "report.html"],
                "timings_s": {"corpus": 0.25, "select_k": [1.25, 2.0], "topics": {"fit": 3}, "note": None},
                "stage_cache_hits": {"tokens": True, "dtm": False}}
    assert run_summary(manifest) == ("wrote 2 tables, 1 figures (corpus 0.2s, select_k [1.2, 2.0], topics {fit 3.0}, "
                                     "note null; cached: tokens)")
    assert format_value("x") == "x" and format_value(True) == "true"
    folder = tmp_path / "done"
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    import discourse.experiment

    monkeypatch.setattr(discourse.experiment, "run_experiment", lambda cfg, progress=False: folder)
    assert main(["run", str(_config(tmp_path)), "--quiet"]) == 0
    assert "select_k [1.2, 2.0]" in capsys.readouterr().out


def _problems_survive_subset() -> bool:
    """Whether ``Corpus.subset`` keeps the skipped lines (the run's corpus stage always subsets)."""
    import tempfile
    import warnings

    with tempfile.TemporaryDirectory() as folder:
        path = _tiny_corpus(Path(folder) / "c.jsonl", "not json")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return bool(read_corpus(path).subset().problems)


def test_run_with_skipped_corpus_lines_exits_3(tmp_path, capsys):
    assert _problems_survive_subset()
    corpus = _tiny_corpus(tmp_path / "c.jsonl", "not json")
    body = BASE.replace(f'path = "{DEMO_PATH}"', f'path = "{corpus}"').replace(
        'filters = { side = ["state", "ngo"], language = "ja" }\n', "")
    assert main(["run", str(_config(tmp_path, body)), "--quiet", "--set", f"outputs.dir='{tmp_path / 'runs'}'"]) == 3
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("run complete with 1 skipped document: see ") and last.endswith("tables/corpus_problems.csv")


def test_info_prints_versions(capsys):
    assert main(["info"]) == 0
    lines = dict(line.split() for line in capsys.readouterr().out.splitlines())
    assert lines["python"] == platform.python_version()
    import numpy

    assert lines["numpy"] == numpy.__version__


# --- topics ------------------------------------------------------------------------------------
def test_topics_option_errors(tmp_path, capsys):
    out = str(tmp_path / "t")
    assert main(["topics", str(DEMO), "--out", out, "--contrast", "state,ngo"]) == 1
    assert "name the docvar the two groups come from with --by" in error_line(capsys)
    assert main(["topics", str(DEMO), "--out", out, "--keep", "side"]) == 1
    assert "--keep 'side': write DOCVAR=VALUE" in error_line(capsys)
    (tmp_path / "file").write_text("x")
    assert main(["topics", str(DEMO), "--out", str(tmp_path / "file")]) == 1
    assert "is a file, not a folder" in error_line(capsys)
    assert main(["topics", str(DEMO), "--out", out, "--select-k", "4,x"]) == 1
    assert "--select-k '4,x': give integers" in error_line(capsys)


def test_topics_by_a_docvar_writes_prevalence_that_matches_doc_topics(tmp_path):
    out = tmp_path / "t"
    assert main(["topics", str(DEMO), "--k", "3", "--passes", "2", "--keep", "side=state,ngo", "--by", "side",
                 "--out", str(out)]) == 0
    theta = pd.read_csv(out / "doc_topics.csv", index_col=0)
    sides = read_corpus(DEMO).docvars["side"].reindex(theta.index)
    assert set(sides) == {"state", "ngo"} and len(theta) == 170
    prevalence = pd.read_csv(out / "prevalence.csv")
    by_side = prevalence[prevalence["year"].isna()].set_index(["side", "topic"]) if "year" in prevalence else \
        prevalence.set_index(["side", "topic"])
    means = theta.groupby(sides).mean()
    for side in ("state", "ngo"):
        for topic in theta.columns:
            assert by_side.loc[(side, topic), "mean"] == pytest.approx(means.loc[side, topic])
    assert not (out / "contrast.csv").exists()          # no --contrast: no contrast table
    divergence = pd.read_csv(out / "divergence.csv").iloc[0]
    a, b = means.loc[divergence["target"]].to_numpy(), means.loc[divergence["reference"]].to_numpy()
    mid = (a + b) / 2
    jsd = 0.5 * (a * np.log2(a / mid)).sum() + 0.5 * (b * np.log2(b / mid)).sum()
    assert (divergence["n_target"], divergence["n_reference"]) == (85, 85) and divergence["jsd"] == pytest.approx(jsd, rel=1e-6)
    bare = tmp_path / "bare"
    assert main(["topics", str(DEMO), "--k", "3", "--passes", "2", "--out", str(bare)]) == 0
    assert (bare / "labels.csv").exists() and not (bare / "prevalence.csv").exists()

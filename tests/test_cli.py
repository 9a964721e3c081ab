"""The metric commands of the CLI write the same tables as the functions (CSV, optional BOM)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from discourse import metrics, read_corpus
from discourse.cli import main
from discourse.tokenize import tokenize

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _env(monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("DISCOURSE_CACHE", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def ja_tokens():
    return tokenize(read_corpus(ROOT / "corpora" / "demo").subset(language="ja"), cache_dir=False)


def test_keyness_command_matches_the_function(tmp_path, ja_tokens):
    out = tmp_path / "k.csv"
    assert main(["keyness", "--language", "ja", "--measure", "log_ratio", "-o", str(out), "--bom"]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    got = pd.read_csv(out, encoding="utf-8-sig")
    want = metrics.keyness(ja_tokens, by="side", target="state", measure="log_ratio")
    assert list(got["term"][:20]) == list(want["term"][:20])
    assert got["log_ratio"].to_numpy()[:20] == pytest.approx(want["log_ratio"].to_numpy()[:20])


def test_kwic_and_collocations_commands(tmp_path, ja_tokens):
    kw, col = tmp_path / "kw.csv", tmp_path / "col.csv"
    assert main(["kwic", "来日 外国人", "--language", "ja", "-o", str(kw)]) == 0
    phrase = pd.read_csv(kw)
    assert len(phrase) == len(metrics.kwic(ja_tokens, "来日 外国人", phrase=True))
    assert main(["kwic", "不法滞在者", "--language", "ja", "--window", "3", "-o", str(kw)]) == 0
    lines = pd.read_csv(kw)
    corpus = read_corpus(ROOT / "corpora" / "demo")
    assert len(lines) == len(metrics.kwic(ja_tokens, "不法滞在者")) > 0
    assert all(corpus[r.doc_id].text[r.start:r.end] == r.keyword for r in lines.itertuples())
    assert main(["collocations", "外国人", "--language", "ja", "--by", "side", "-o", str(col)]) == 0
    table = pd.read_csv(col)
    assert {"group", "collocate", "log_dice", "mi", "G2"} <= set(table.columns)


def test_bad_option_is_an_error_with_the_fix(capsys):
    assert main(["keyness", "--language", "ja", "--by", "sidee"]) == 2
    assert "did you mean 'side'" in capsys.readouterr().err

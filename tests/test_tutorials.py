"""The tutorials (docs/tutorials/NN-*.md) and their solutions run block by block, as students read them.

Each unit is a jupytext Markdown notebook; blocks marked ``<!-- skip-test -->`` (the optional parts
on the real corpus, functions still being built) are shown but not run.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from test_docs import ROOT, code_blocks, run_blocks

TUTORIALS = ROOT / "docs" / "tutorials"
UNITS = sorted(TUTORIALS.glob("[0-9][0-9]-*.md"))
SOLUTIONS = sorted((TUTORIALS / "solutions").glob("[0-9][0-9]-*.md"))
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
PAGE_WIDTH = 100   # printed output must fit the page (wide characters count twice)


def display_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def test_seven_units_each_with_a_solution():
    assert [p.name[:2] for p in UNITS] == [f"{n:02d}" for n in range(1, 8)]
    assert [p.name for p in SOLUTIONS] == [p.name for p in UNITS]


@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.stem)
def test_unit_structure(path):
    text = path.read_text(encoding="utf-8")
    summary = text.split("要約", 1)[1].split("\n\n", 1)[0] if "要約" in text else ""
    assert len(JAPANESE.findall(summary)) >= 80, f"{path.name}: no Japanese summary (要約) at the top"
    for heading in ("## Method in plain words", "## Exercises", "## Optional: the real corpus"):
        assert heading in text, f"{path.name}: missing section {heading!r}"
    assert f"solutions/{path.name}" in text, f"{path.name} does not link to its solutions"
    assert any(not skipped for _, skipped in code_blocks(path))


@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.stem)
def test_unit_is_a_notebook(path):
    jupytext = pytest.importorskip("jupytext")
    notebook = jupytext.read(path)
    cells = [c.source.strip() for c in notebook.cells if c.cell_type == "code"]  # shell examples are ```console
    assert cells == [code.strip() for code, _ in code_blocks(path)]
    assert notebook.metadata["kernelspec"]["language"] == "python"


@pytest.mark.parametrize("path", UNITS + SOLUTIONS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_tutorial_blocks_run(path, monkeypatch, tmp_path, capsys):
    run_blocks(path, monkeypatch, tmp_path)
    wide = [line for line in capsys.readouterr().out.splitlines() if display_width(line) > PAGE_WIDTH]
    assert not wide, f"{path.name}: {len(wide)} printed lines wider than {PAGE_WIDTH} columns, e.g. {wide[0]!r}"


def test_display_width_counts_wide_characters_twice():
    assert display_width("ab") == 2 and display_width("外国人") == 6 and display_width("ｱ") == 1

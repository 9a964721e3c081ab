"""Every ```python block of the README and the docs runs (in order, per file).

The tutorials (``docs/tutorials/``) are run by ``tests/test_tutorials.py`` with the same
machinery. A block preceded by the line ``<!-- skip-test -->`` is shown to readers but not run
(the optional parts on the real corpus, functions still being built).
"""
from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
ROOT = Path(__file__).resolve().parents[1]
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SKIP_MARKER = "<!-- skip-test -->"
_BLOCK = re.compile(r"^(?P<skip><!-- skip-test -->[ \t]*\n(?:[ \t]*\n)?)?```python[ \t]*\n(?P<code>.*?)^```[ \t]*$",
                    flags=re.S | re.M)


def code_blocks(path: Path) -> list[tuple[str, bool]]:
    """``(code, skipped)`` for every ```python block of ``path``, in order."""
    text = path.read_text(encoding="utf-8")
    return [(m["code"], bool(m["skip"])) for m in _BLOCK.finditer(text)]


def run_blocks(path: Path, monkeypatch, tmp_path: Path) -> dict:
    """Run the non-skipped blocks of ``path`` in one namespace from the repository root."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("DISCOURSE_CACHE", str(tmp_path / "cache"))
    blocks = code_blocks(path)
    assert blocks, f"{path.name} has no python code blocks"
    namespace: dict = {"__name__": "__docs__"}
    for n, (code, skipped) in enumerate(blocks, 1):
        if skipped:
            continue
        try:
            exec(compile(code, f"{path.name}[block {n}]", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the message is the point
            pytest.fail(f"{path.name} code block {n} failed: {type(exc).__name__}: {exc}\n{code}")
    return namespace


def test_skip_marker_is_parsed(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("```python\na = 1\n```\n\n<!-- skip-test -->\n```python\nraise SystemExit\n```\n"
                    "text\n\n```python\nb = 2\n```\n", encoding="utf-8")
    assert code_blocks(page) == [("a = 1\n", False), ("raise SystemExit\n", True), ("b = 2\n", False)]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_code_blocks_run(path, monkeypatch, tmp_path, capsys):
    run_blocks(path, monkeypatch, tmp_path)

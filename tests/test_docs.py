"""Every ```python block of the README and the tutorials in docs/ runs (in order, per file)."""
from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
ROOT = Path(__file__).resolve().parents[1]
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_code_blocks_run(path, monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("DISCOURSE_CACHE", str(tmp_path / "cache"))
    blocks = _blocks(path)
    assert blocks, f"{path.name} has no python code blocks"
    namespace: dict = {"__name__": "__docs__"}
    for n, code in enumerate(blocks, 1):
        try:
            exec(compile(code, f"{path.name}[block {n}]", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the message is the point
            pytest.fail(f"{path.name} code block {n} failed: {type(exc).__name__}: {exc}\n{code}")

"""Render the frame codebook (TOML) as a Markdown page.

Used by the mkdocs hook (``docs/_build/hooks.py``) at build time; run it as a script to print
the page: ``python docs/_build/codebook.py [corpora/codebooks/migration_crime_frames.toml]``.
"""
from __future__ import annotations

import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "corpora" / "codebooks" / "migration_crime_frames.toml"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _bullets(items: list[str]) -> list[str]:
    return [f"- {_cell(item)}" for item in items] or ["- (none)"]


def _frame_section(frame: dict) -> list[str]:
    lines = [f"## `{frame['id']}`: {frame.get('label', '')} {{#{frame['id']}}}", ""]
    lines += [f"**Side it is typical of:** {frame.get('side', '-')}. "
              f"**Policy Frames Codebook dimension:** {frame.get('dimension', '-')}.", ""]
    lines += [_cell(frame.get("definition", "")), ""]
    for key, title in (("include", "Include"), ("exclude", "Exclude"), ("examples", "Examples")):
        if frame.get(key):
            lines += [f"**{title}**", "", *_bullets(frame[key]), ""]
    for key, title in (("cues_ja", "Cues (Japanese)"), ("cues_en", "Cues (English)")):
        if frame.get(key):
            lines += [f"**{title}:** " + ", ".join(_cell(c) for c in frame[key]), ""]
    return lines


def render_codebook(path: str | Path = DEFAULT) -> str:
    """Return the codebook at ``path`` as one Markdown page (overview table, rules, frames)."""
    path = Path(path)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    frames = data.get("frame", [])
    lines = [f"# Codebook: {data.get('name', path.stem)} (version {data.get('version', '?')})", "",
             "This page is generated at build time from "
             f"`{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name}`; "
             "edit the TOML file, not this page.", "",
             _cell(data.get("description", "")), "",
             f"Unit of coding: **{data.get('unit', 'sentence')}**; multi-label (a unit may carry "
             "several frames or none).", "",
             "| frame | label | side | dimension |", "|---|---|---|---|"]
    lines += [f"| [`{f['id']}`](#{f['id']}) | {_cell(f.get('label', ''))} | {f.get('side', '')} | "
              f"{_cell(f.get('dimension', ''))} |" for f in frames]
    lines += ["", "## Coding rules", ""]
    lines += [f"{n}. {_cell(rule)}" for n, rule in enumerate(data.get("coding_rules", []), 1)]
    lines.append("")
    for frame in frames:
        lines += _frame_section(frame)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render_codebook(sys.argv[1] if len(sys.argv) > 1 else DEFAULT))

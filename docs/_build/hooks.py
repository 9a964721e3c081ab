"""mkdocs hooks: pages taken from files outside ``docs/`` at build time (included, not copied).

- ``index.md``: the repository's README (its ``docs/`` links made relative to the site);
- ``experiments.md`` and ``datasheets/*.md``: the experiments guide and the corpus datasheets;
- ``codebook.md``: the frame codebook rendered from its TOML file by ``codebook.py``;
- ``stats/index.md``: its column table rendered from ``discourse/report/statistics.toml``.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from mkdocs.structure.files import File

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
from codebook import render_codebook  # noqa: E402

INCLUDED = {
    "index.md": "README.md",
    "experiments.md": "experiments/README.md",
    "datasheets/demo.md": "corpora/demo/README.md",
    "datasheets/real.md": "corpora/real/README.md",
    "datasheets/lexicons.md": "corpora/lexicons/README.md",
    "datasheets/statistics.md": "corpora/statistics/README.md",
}


def _readme(text: str) -> str:
    """README links point into ``docs/`` from the repository root; on the site they are local."""
    return re.sub(r"\]\(docs/", "](", text)


def page_source(uri: str) -> str:
    """The Markdown of a generated page (also used by the tests)."""
    if uri == "codebook.md":
        return render_codebook()
    text = (ROOT / INCLUDED[uri]).read_text(encoding="utf-8")
    return _readme(text) if uri == "index.md" else text


LINKS = HERE.parent.parent / "discourse" / "report" / "statistics.toml"   # one source: the report uses it too
LINKS_MARKER = "<!-- stats-links-table -->"


def links_table(path: Path = LINKS) -> str:
    """``discourse/report/statistics.toml`` as a Markdown table (column, statistic, page link)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    columns = tomllib.loads(path.read_text(encoding="utf-8"))["columns"]
    rows = ["| column | statistic | page |", "|---|---|---|"]
    for name, entry in columns.items():
        target = entry["page"].removeprefix("stats/") + "#" + entry["anchor"]
        rows.append(f"| `{name}` | {entry['title']} | [{entry['page'].removeprefix('stats/')}#{entry['anchor']}]({target}) |")
    return "\n".join(rows) + "\n"


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri == "stats/index.md":
        return markdown.replace(LINKS_MARKER, links_table())
    return markdown


def on_files(files, config):
    for uri in [*INCLUDED, "codebook.md"]:
        files.append(File.generated(config, uri, content=page_source(uri)))
    return files


def on_config(config):
    # The included files are watched by `mkdocs serve` too.
    config.watch.extend(str(ROOT / path) for path in [*INCLUDED.values(), "corpora/codebooks/migration_crime_frames.toml"])
    return config

"""The documentation site: generated pages, the statistics link table, and `mkdocs build --strict`."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS / "_build"))


def _anchors(page: Path) -> set[str]:
    return set(re.findall(r"\{#([\w-]+)\}", page.read_text(encoding="utf-8")))


def test_links_toml_points_to_existing_pages_and_anchors():
    columns = tomllib.loads((ROOT / "discourse" / "report" / "statistics.toml").read_text(encoding="utf-8"))["columns"]
    for name in ["G2", "log_ratio", "p_adj", "dp_target", "log_dice", "frex", "c_v", "share", "ci_low",
                 "macro_f1", "kappa", "alpha", "lift", "pmi", "log_odds_ratio", "u_mass", "c_npmi", "alpha_masi"]:
        assert name in columns, f"links.toml lacks the column {name!r}"
    for name, entry in columns.items():
        page = DOCS / entry["page"]
        assert page.is_file(), f"{name}: {entry['page']} does not exist"
        assert entry["anchor"] in _anchors(page), f"{name}: no heading {{#{entry['anchor']}}} in {entry['page']}"
        assert entry["url"] == entry["page"].removesuffix(".md") + "/#" + entry["anchor"]
    pages = {p.name for p in (DOCS / "stats").glob("*.md")} - {"index.md"}
    assert pages == {Path(e["page"]).name for e in columns.values()}, "a statistics page has no column linking to it"


def test_links_table_is_rendered_from_links_toml():
    pytest.importorskip("mkdocs")        # the build hooks need the docs extra (make docs installs it)
    from hooks import links_table

    table = links_table()
    assert "| `dp_target` | Gries' DP | [dp.md#dp](dp.md#dp) |" in table
    assert "| `kappa` | Cohen's kappa | [agreement.md#kappa](agreement.md#kappa) |" in table


def test_codebook_page_is_generated_from_the_toml():
    from codebook import render_codebook
    from discourse.framing import load_codebook

    page = render_codebook()
    codebook = load_codebook()
    for frame in codebook.frames:
        assert f"## `{frame.id}`: {frame.label} {{#{frame.id}}}" in page
        assert frame.definition in page
    assert page.count("\n1. ") == 1 and f"{len(codebook.coding_rules)}. " in page


def test_readme_is_included_not_copied():
    pytest.importorskip("mkdocs")        # the build hooks need the docs extra (make docs installs it)
    from hooks import page_source

    assert not (DOCS / "index.md").exists()
    home = page_source("index.md")
    assert home.startswith((ROOT / "README.md").read_text(encoding="utf-8")[:200])
    assert "](report.png)" in home and "](docs/report.png)" not in home
    assert page_source("datasheets/demo.md") == (ROOT / "corpora" / "demo" / "README.md").read_text(encoding="utf-8")


def _config(tmp_path: Path, *, api: bool) -> Path:
    yaml = pytest.importorskip("yaml")
    pytest.importorskip("mkdocs")
    pytest.importorskip("material")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(DOCS)
    config["hooks"] = [str(ROOT / h) for h in config["hooks"]]
    if api:
        pytest.importorskip("mkdocstrings")
        handler = next(p for p in config["plugins"] if isinstance(p, dict) and "mkdocstrings" in p)
        handler["mkdocstrings"]["handlers"]["python"]["paths"] = [str(ROOT)]
    else:
        config["plugins"] = [p for p in config["plugins"] if not (isinstance(p, dict) and "mkdocstrings" in p)]
        config["nav"] = [item for item in config["nav"] if "API reference" not in item]
        config["exclude_docs"] += "api/\n"
    path = tmp_path / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _build(config: Path, site: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)


def test_site_builds_strict_without_the_api_reference(tmp_path):
    """Tutorials, statistics pages, datasheets, codebook: no broken link or anchor (fast)."""
    site = tmp_path / "site"
    done = _build(_config(tmp_path, api=False), site)
    assert done.returncode == 0, done.stderr[-3000:]
    for page in ["index.html", "tutorials/01-corpus-kwic/index.html", "tutorials/solutions/07-statistics/index.html",
                 "stats/dp/index.html", "codebook/index.html", "datasheets/demo/index.html", "experiments/index.html"]:
        assert (site / page).is_file(), page
    codebook = (site / "codebook" / "index.html").read_text(encoding="utf-8")
    assert 'id="statistical_rebuttal"' in codebook
    stats = (site / "stats" / "index.html").read_text(encoding="utf-8")
    assert 'href="dp/#dp"' in stats


@pytest.mark.slow
def test_site_builds_strict(tmp_path):
    """The whole site, API reference from the docstrings included (`make docs`)."""
    site = tmp_path / "site"
    done = _build(_config(tmp_path, api=True), site)
    assert done.returncode == 0, "mkdocs build --strict failed:\n" + "\n".join(
        line for line in done.stderr.splitlines() if "WARNING" in line or "Error" in line)[-4000:]
    metrics = (site / "api" / "metrics" / "index.html").read_text(encoding="utf-8")
    assert "keyness" in metrics and "Benjamini" in metrics

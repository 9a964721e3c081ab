"""A wheel (and so a non-editable ``pip install .``) ships the bundled data and works outside the
checkout: built from a copy of the source tree, checked file by file, installed into a fresh
virtual environment, used from a temporary folder. No network: the build uses the running
interpreter's setuptools and wheel (both in the ``test`` extra), and the fresh environment borrows
its dependencies."""
from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
SKIP = ("*.egg-info", ".git", ".venv", "build", "dist", "runs", ".discourse-cache", "__pycache__", "*.pyc",
        ".pytest_cache")

def _data_files() -> list[str]:
    """The files of ``corpora/`` the checkout holds (the ones a wheel must ship)."""
    return sorted(p.relative_to(ROOT / "corpora").as_posix() for p in (ROOT / "corpora").rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith("."))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*SKIP))  # the checkout stays untouched
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
          "--wheel-dir", str(work / "dist"), str(source)], cwd=work)
    (built,) = (work / "dist").glob("discourse_frames-*.whl")
    assert not (source / "discourse" / "_corpora").exists()            # the copy lives in the build tree only
    return built


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{cmd[:4]} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def test_wheel_ships_the_bundled_data(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        shipped = sorted(n.removeprefix("discourse/_corpora/") for n in names if n.startswith("discourse/_corpora/"))
        assert shipped == _data_files()
        for rel in ("lexicons/domain_terms.txt", "codebooks/migration_crime_frames.toml", "demo/corpus.jsonl"):
            assert archive.read(f"discourse/_corpora/{rel}") == (ROOT / "corpora" / rel).read_bytes()
    assert {"discourse/__init__.py", "discourse/py.typed", "discourse/resources.py"} <= names
    assert not any(n.startswith(("corpora/", "tests/")) for n in names)   # data only inside the package


SCRIPT = """
import json, discourse
from discourse import Corpus, Document, read_corpus
from discourse.framing.codebook import load_codebook
from discourse.resources import corpora_dir, resource
from discourse.tokenize import tokenize
tokens = tokenize(Corpus([Document("d1", "外国人犯罪")]), cache_dir=False)
print(json.dumps({"package": discourse.__file__, "data": str(corpora_dir()), "terms": tokens.to_lists(),
                  "frames": len(load_codebook().frames), "demo": len(read_corpus(resource("demo")))}))
"""


def test_installed_wheel_tokenizes_and_reads_the_codebook_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    start = time.perf_counter()
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
         cwd=tmp_path)
    # dependencies from the running interpreter, added only after the install so pip never sees
    # (or touches) the developer's own discourse installation there
    target = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                       cwd=tmp_path).strip())
    (target / "zz_borrowed_deps.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DISCOURSE_CORPORA", "PYTHONHOME")}
    env["DISCOURSE_CACHE"] = str(tmp_path / "cache")
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    out = json.loads(_run([str(python), "-c", SCRIPT], cwd=cwd, env=env).splitlines()[-1])
    assert Path(out["package"]).is_relative_to(target)                  # the installed copy, not the checkout
    assert Path(out["data"]) == target / "discourse" / "_corpora"
    assert out["terms"] == [["外国人犯罪"]]    # one term only with the bundled domain list (else 外国|人|犯罪)
    codebook = tomllib.loads((ROOT / "corpora/codebooks/migration_crime_frames.toml").read_text(encoding="utf-8"))
    assert out["frames"] == len(codebook["frame"]) > 0
    demo_lines = (ROOT / "corpora/demo/corpus.jsonl").read_text(encoding="utf-8").splitlines()
    assert out["demo"] == sum(1 for line in demo_lines if line.strip())
    assert time.perf_counter() - start < 60

"""Benchmark: peak memory of an experiment run with streaming on, 30 MB against 300 MB of text.

    python benchmarks/memory.py [--mb 30 300] [--baseline-mb 30] [--shard-mb 8] [--scheduler local] [--out /tmp/discourse-memory]

Data: JSON Lines corpora written to ``--out`` (outside the repository) by ``benchmarks/scale.py``'s
``write_corpus``: the demo corpus's documents copied until the texts hold ``--mb`` MB of UTF-8, every
digit redrawn at random and the copy number written at the start of each text, with new doc_ids.

The run: keyness (G2, state vs NGO), collocations of 外国人 by side, co-occurrence of the foreigner
and crime term groups by side, and frame prevalence by side from the dictionary coder (the framing
stage also evaluates the coders on the demo gold, as every run does), through
``run_experiment`` with ``[compute] streaming = "on"``. Each run is a fresh Python process, so its
peak RSS (``ru_maxrss``, :func:`discourse.compute.peak_rss_mb`) is its own; with a Dask scheduler
the workers' peaks are printed too. The baseline is the in-memory path (``streaming = "off"``) on
``--baseline-mb`` MB, measured in the same invocation.

Prints each run's seconds and peak RSS, the target (< 1000 MB), and the ratio of the peaks of the
largest and the smallest size (flat = close to 1). Slow (minutes): not part of ``make test``.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

TARGET_MB = 1000.0
ROOT = Path(__file__).resolve().parent.parent

CONFIG = """name = "memory"
seed = 42
[compare]
by = "side"
target = "state"
reference = "ngo"
[corpus]
path = "{corpus}"
[topics]
enabled = false
[outputs]
dir = "runs"
report = false
figures = false
[framing]
enabled = true
tune_C = false
learning_curve = false
n_boot = 200
prevalence_labels = "dictionary"
[[metrics]]
kind = "keyness"
name = "G2"
params = {{ measure = "G2" }}
[[metrics]]
kind = "collocations"
name = "gaikokujin"
params = {{ node = "外国人", window = [5, 5], min_count = 2 }}
[[metrics]]
kind = "cooccurrence"
name = "by_side"
params = {{ a = "foreigner", b = "crime", n_boot = 200 }}
"""


def child(config: str, overrides: list[str]) -> None:
    """Run one experiment in this process; print its seconds and peak memory as JSON."""
    from discourse.compute import peak_rss_mb
    from discourse.experiment.config import load_experiment
    from discourse.experiment.run import run_experiment

    t = time.perf_counter()
    folder = run_experiment(load_experiment(config, overrides=overrides))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    print(json.dumps({"seconds": time.perf_counter() - t, "peak_mb": peak_rss_mb(), "timings": manifest["timings_s"],
                      "measures": manifest.get("measures", {})}))


def measure(out: Path, mb: float, streaming: str, scheduler: str, shard_mb: float) -> dict:
    """Write the corpus if needed, then run the experiment in a fresh process."""
    from scale import write_corpus

    corpus = out / f"corpus-{mb:g}mb.jsonl"
    if not corpus.exists():
        write_corpus(corpus, mb)
    config = out / "memory.toml"
    config.write_text(CONFIG.format(corpus=corpus.as_posix()), encoding="utf-8")
    overrides = [f'compute.streaming="{streaming}"', f'compute.scheduler="{scheduler}"',
                 f"compute.shard_bytes={int(shard_mb * 1e6)}"]
    cache = tempfile.mkdtemp(prefix="cache-", dir=out)    # a fresh stage cache: every run computes everything
    env = {**os.environ, "DISCOURSE_PATHS": str(out), "DISCOURSE_CACHE": cache,
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    try:
        proc = subprocess.run([sys.executable, __file__, "--child", str(config), *overrides], env=env,
                              capture_output=True, text=True, check=False)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    if proc.returncode:
        raise SystemExit(f"run failed ({mb:g} MB, streaming {streaming}):\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["text_mb"] = sum(len(json.loads(line)["text"].encode("utf-8")) for line in corpus.open(encoding="utf-8")) / 1e6
    return result


def _baseline(args: argparse.Namespace, peaks: dict[float, float]) -> float:
    r = measure(args.out, args.baseline_mb, "off", "local", args.shard_mb)
    print(f"in memory (baseline), {r['text_mb']:.1f} MB of text: {r['seconds']:.0f} s, peak RSS {r['peak_mb']:.0f} MB; "
          f"streaming/in-memory peak on this size: {peaks.get(args.baseline_mb, float('nan')) / r['peak_mb']:.2f}",
          flush=True)
    return r["peak_mb"]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3:])
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, nargs="+", default=[30.0, 300.0])
    ap.add_argument("--baseline-mb", type=float, default=30.0, help="in-memory run on this size (0: skip)")
    ap.add_argument("--shard-mb", type=float, default=4.0)
    ap.add_argument("--scheduler", default="local")
    ap.add_argument("--out", type=Path, default=Path("/tmp/discourse-memory"))
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    peaks, baseline = {}, None
    for n, mb in enumerate(args.mb):
        r = measure(args.out, mb, "on", args.scheduler, args.shard_mb)
        peaks[mb] = r["peak_mb"]
        worker = r["measures"].get("tokens_worker_peak_rss_mb", 0.0)
        print(f"streaming, {r['text_mb']:.1f} MB of text on {args.scheduler}: {r['seconds']:.0f} s, peak RSS "
              f"{r['peak_mb']:.0f} MB (target < {TARGET_MB:.0f} MB: {'met' if r['peak_mb'] < TARGET_MB else 'NOT met'})"
              + (f", Dask workers' peak {worker:.0f} MB" if args.scheduler != "local" else "")
              + f"; stages {r['timings']}", flush=True)
        if n == 0 and args.baseline_mb:
            baseline = _baseline(args, peaks)
    lo = min(peaks)
    for mb in sorted(peaks)[1:]:
        print(f"peak ratio {mb:g} MB / {lo:g} MB (flat = 1.0): {peaks[mb] / peaks[lo]:.2f}")
    from _results import Result, write_results

    results = [Result(f"peak RSS of a streamed run, {mb:g} MB corpus ({args.scheduler})", peaks[mb] / 1000, "GB",
                      f"< {TARGET_MB / 1000:g}") for mb in sorted(peaks)]
    results += [Result(f"peak RSS {mb:g} MB / {lo:g} MB corpus (flat = 1)", peaks[mb] / peaks[lo], "x", "<= 1.1")
                for mb in sorted(peaks)[1:]]
    if baseline:
        results.append(Result(f"streamed / in-memory peak RSS, {args.baseline_mb:g} MB corpus",
                              peaks.get(args.baseline_mb, float("nan")) / baseline, "x", "< 1",
                              f"in memory {baseline:.0f} MB"))
    write_results("memory", results, args=args, parser=ap)


if __name__ == "__main__":
    main()

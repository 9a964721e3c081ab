"""Benchmark: tokenize + count 100 MB of text on a Dask LocalCluster with 1 and 2 workers.

    python benchmarks/scale.py [--mb 100] [--shard-mb 4] [--workers 1 2] [--out /tmp/discourse-scale]

Data: a JSON Lines corpus written to ``--out`` (outside the repository) until its texts hold
``--mb`` MB of UTF-8: the demo corpus's documents copied over and over with every digit redrawn
at random and the copy number written at its start (第12号。/ No. 12.), so no text repeats (the
loader would drop a repeated text as a duplicate), with new doc_ids.

The file is cut into shards of about ``--shard-mb`` MB at line boundaries
(``discourse.compute.plan_file_shards``); each Dask task reads its own byte range, tokenizes it
with the package tokenizer (default settings: compounds, content words, stopwords removed) and
returns term counts per document (``count_shard``); the client merges them into one
document-term matrix (``merge_counts``). Each cluster is started and its workers warmed up (the
tokenizer loaded) before the timer starts.

Prints, for each worker count: wall time, throughput (characters and MB of text per second),
the CPU seconds each worker spent, each worker's peak RSS; then the speed-up of 2 workers over
1 (target >= 1.7) and whether the merged matrices are byte-identical. On a shared machine the
wall-clock speed-up is bounded by the cores actually free: the CPU columns show the work.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402

from discourse.compute import (FileShard, count_shard, map_shards, merge_counts, peak_rss_mb,  # noqa: E402
                               plan_file_shards, scheduler_client)
from discourse.load import iter_jsonl  # noqa: E402
from discourse.resources import corpora_dir  # noqa: E402


def write_corpus(path: Path, mb: float, seed: int = 0) -> tuple[int, int]:
    """Write the synthetic corpus (streamed, one line at a time); return (characters, text bytes)."""
    demo = [rec for _, rec in iter_jsonl(corpora_dir() / "demo" / "corpus.jsonl")]
    rng = random.Random(seed)
    digit = re.compile(r"\d")
    target, n_bytes, n_chars, k = int(mb * 1e6), 0, 0, 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        while n_bytes < target:
            for rec in demo:
                text = digit.sub(lambda m: str(rng.randrange(10)), rec["text"])
                mark = f"No. {k}. " if rec.get("language") == "en" else f"第{k}号。"
                text = mark + text  # no copy repeats a text
                fh.write(json.dumps({**rec, "doc_id": f"{rec['doc_id']}~{k}", "text": text}, ensure_ascii=False) + "\n")
                n_bytes += len(text.encode("utf-8"))
                n_chars += len(text)
                if n_bytes >= target:
                    break
            k += 1
    return n_chars, n_bytes


def run(shards: list[FileShard], n_workers: int) -> dict:
    with scheduler_client(f"dask-local:{n_workers}") as client:
        first = shards[0]
        client.run(count_shard, FileShard(first.path, first.start, first.start + 1 + _line_end(first), 1))
        cpu0 = client.run(time.process_time)
        t = time.perf_counter()
        parts = map_shards(count_shard, shards, client=client)
        wall = time.perf_counter() - t
        cpu = {w: c - cpu0[w] for w, c in client.run(time.process_time).items()}
        peaks = client.run(peak_rss_mb)
    t = time.perf_counter()
    dtm = merge_counts(parts)
    merge = time.perf_counter() - t
    return {"wall": wall, "cpu": cpu, "peaks": peaks, "dtm": dtm, "merge": merge,
            "task_seconds": sum(p.seconds for p in parts), "chars": sum(p.n_chars for p in parts)}


def _line_end(shard: FileShard) -> int:
    with open(shard.path, "rb") as fh:
        fh.seek(shard.start)
        return len(fh.readline()) - 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=100.0)
    ap.add_argument("--shard-mb", type=float, default=4.0)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--out", type=Path, default=Path("/tmp/discourse-scale"))
    args = ap.parse_args()
    path = args.out / f"corpus-{args.mb:g}mb.jsonl"
    n_chars, n_bytes = write_corpus(path, args.mb)
    shards = plan_file_shards(path, target_bytes=int(args.shard_mb * 1e6))
    print(f"data: {path} ({path.stat().st_size / 1e6:.1f} MB of JSON Lines), {n_bytes / 1e6:.1f} MB of text, "
          f"{n_chars:,} characters, {len(shards)} shards of ~{args.shard_mb:g} MB")
    results = {}
    for n in args.workers:
        r = results[n] = run(shards, n)
        d = r["dtm"]
        print(f"\n{n} worker(s): wall {r['wall']:.1f}s, {r['chars'] / r['wall']:,.0f} chars/s, "
              f"{n_bytes / 1e6 / r['wall']:.2f} MB text/s; merge {r['merge']:.1f}s; DTM {d.n_docs:,} x {d.n_terms:,}, "
              f"{d.matrix.nnz:,} non-zero")
        for w in sorted(r["cpu"]):
            print(f"  worker {w}: CPU {r['cpu'][w]:.1f}s, peak RSS {r['peaks'][w]:.0f} MB")
        cpu = sum(r["cpu"].values())
        print(f"  per-worker throughput on CPU time: {r['chars'] / cpu:,.0f} chars per CPU second")
    if len(results) >= 2:
        a, b = sorted(results)[:2]
        ra, rb = results[a], results[b]
        same = all(x == y for x, y in zip(_bytes(ra["dtm"]), _bytes(rb["dtm"])))
        print(f"\nspeed-up {b} vs {a} worker(s) (wall), target >= 1.7: {ra['wall'] / rb['wall']:.2f}")
        print(f"merged matrices byte-identical: {same}")
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from _results import Result, write_results

        peak = max(max(r["peaks"].values()) for r in results.values())
        write_results("scale", [
            Result(f"tokenize + count {args.mb:g} MB, {b} Dask workers vs {a}", ra["wall"] / rb["wall"], "x", ">= 1.7",
                   f"{ra['wall']:.1f} s vs {rb['wall']:.1f} s; merged matrices identical: {same}"),
            Result("peak RSS per Dask worker", peak, "MB")], args=args, parser=ap)


def _bytes(dtm) -> tuple:
    m = dtm.matrix
    return m.indptr.tobytes(), m.indices.tobytes(), m.data.tobytes(), dtm.vocab, tuple(dtm.doc_ids)


if __name__ == "__main__":
    main()

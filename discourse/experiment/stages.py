"""The stages of a run. Each takes the run :class:`Context`, reads earlier results from
``ctx.results`` and writes tables / figures. Only what the config enables runs."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..load import read_corpus
from .run import Context


def stage_corpus(ctx: Context) -> None:
    """Load and filter the corpus; write ``corpus_summary`` (documents and characters by group)."""
    cfg = ctx.cfg.corpus
    corpus = read_corpus(cfg.path, strict=cfg.strict)
    ctx.add_input(Path(cfg.path) / "corpus.jsonl" if Path(cfg.path).is_dir() else cfg.path)
    filters = dict(cfg.filters)
    if cfg.years:
        filters["year"] = (cfg.years[0], cfg.years[-1])
    corpus = corpus.subset(**{k: tuple(v) if isinstance(v, list) and k == "year" else v for k, v in filters.items()})
    ctx.results["corpus"] = corpus
    parts = [table.rename(columns={by: "value"}).assign(by=by) for by, table in corpus.summary().items()]
    summary = pd.concat(parts, ignore_index=True)[["by", "value", "n_docs", "n_chars"]]
    summary["value"] = summary["value"].astype(str)
    ctx.table("corpus_summary", summary)
    if corpus.problems:
        ctx.table("corpus_problems", pd.DataFrame([vars(p) for p in corpus.problems]))


STAGES = [("corpus", stage_corpus)]

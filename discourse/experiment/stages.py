"""The stages of a run. Each takes the run :class:`Context`, reads earlier results from
``ctx.results`` and writes tables / figures. Only what the config enables runs."""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pandas as pd

from ..cache import stable_hash
from ..dtm import DocTermMatrix
from ..load import read_corpus
from .run import Context
from .stagecache import cached, dtm_loader, save_dtm, save_tokens, tokens_loader


def stage_corpus(ctx: Context) -> None:
    """Load and filter the corpus; write ``corpus_summary`` (documents and characters by group)."""
    cfg = ctx.cfg.corpus
    corpus = read_corpus(cfg.path, strict=cfg.strict)
    ctx.add_input(Path(cfg.path) / "corpus.jsonl" if Path(cfg.path).is_dir() else cfg.path)
    filters = dict(cfg.filters)
    if cfg.years:
        filters["year"] = (cfg.years[0], cfg.years[-1])
    corpus = corpus.subset(**filters)
    ctx.results["corpus"] = corpus
    parts = [table.rename(columns={by: "value"}).assign(by=by) for by, table in corpus.summary().items()]
    summary = pd.concat(parts, ignore_index=True)[["by", "value", "n_docs", "n_chars"]]
    summary["value"] = summary["value"].astype(str)
    ctx.table("corpus_summary", summary)
    if corpus.problems:
        ctx.table("corpus_problems", pd.DataFrame([vars(p) for p in corpus.problems]))


def _corpus_key(ctx: Context) -> list[str]:
    return [f"{d.doc_id}:{d.language}:{d.content_hash}" for d in ctx.results["corpus"]]


TOKEN_METRICS = {"keyness", "collocations", "kwic", "association"}


def needs_tokens(ctx: Context) -> bool:
    """Tokens are needed by token metrics, topics and framing; a statistics-only run skips them."""
    cfg = ctx.cfg
    return cfg.topics.enabled or cfg.framing.enabled or any(m.kind in TOKEN_METRICS for m in cfg.metrics)


def stage_tokens(ctx: Context) -> None:
    """Tokenize (fugashi + unidic-lite, compounds) with the stage cache."""
    if not needs_tokens(ctx):
        return
    import unidic_lite

    from ..tokenize import dictionary_info, tokenize
    from ..tokenize.pipeline import code_fingerprint

    corpus, settings = ctx.results["corpus"], asdict(ctx.cfg.tokenize)
    key = stable_hash({"corpus": _corpus_key(ctx), "settings": settings, "dictionary": dictionary_info(unidic_lite.DICDIR),
                       "code": code_fingerprint()})
    kwargs = {**settings, "user_terms": list(settings["user_terms"]) or None}
    tokens, hit = cached("tokens", key, lambda: tokenize(corpus, progress=ctx.progress, **kwargs), save_tokens,
                         tokens_loader(None, corpus.docvars, corpus.texts))
    ctx.cache_hits["tokens"] = hit
    ctx.results["tokens"] = tokens
    ctx.results["tokens_key"] = key


def stage_dtm(ctx: Context) -> None:
    """Document-term matrix of the documents in ``dtm.language``, trimmed, with the stage cache."""
    if not (ctx.cfg.topics.enabled and "tokens" in ctx.results):
        return
    cfg, tokens = ctx.cfg.dtm, ctx.results["tokens"]
    key = stable_hash({"tokens": ctx.results["tokens_key"], "dtm": asdict(cfg)})
    if cfg.language != "all":
        tokens = tokens.subset((tokens.docvars["language"] == cfg.language).to_numpy())

    def build() -> DocTermMatrix:
        dtm = DocTermMatrix.from_tokens(tokens)
        return dtm.trim(min_termfreq=cfg.min_termfreq, min_docfreq=cfg.min_docfreq, max_docfreq=cfg.max_docfreq,
                        docfreq_type=cfg.docfreq_type)

    dtm, hit = cached("dtm", key, build, save_dtm, dtm_loader(tokens.docvars))
    ctx.cache_hits["dtm"] = hit
    ctx.results["dtm"] = dtm
    ctx.results["dtm_tokens"] = tokens
    ctx.table("dtm_summary", pd.DataFrame([{"n_docs": dtm.shape[0], "n_terms": dtm.shape[1],
                                            "n_tokens": int(dtm.matrix.sum()), "language": cfg.language}]))


def stage_metrics(ctx: Context) -> None:
    """Each ``[[metrics]]`` spec becomes one table ``<kind>[_<name>]``."""
    from .. import metrics

    for spec in ctx.cfg.metrics:
        name = spec.kind + (f"_{spec.name}" if spec.name else "")
        params = dict(spec.params)
        if spec.kind == "crime_figures":
            df = metrics.crime_figures(**params)
        elif spec.kind in ("keyness", "collocations", "kwic", "association"):
            df = getattr(metrics, spec.kind)(ctx.results["tokens"], **params)
        else:
            continue  # prevalence specs run after framing
        ctx.results.setdefault("metrics", {})[name] = (spec, df)
        ctx.table(name, df)


def stage_report(ctx: Context) -> None:
    """Figures, the self-contained ``report.html`` and the Markdown ``summary.md``."""
    from ..report.build import build_report

    out = ctx.cfg.outputs
    if not (out.report or out.figures):
        return
    report = build_report(ctx.results, ctx.run.partial, title=f"discourse: {ctx.cfg.name}",
                          subtitle=ctx.cfg.description, write_figures=out.figures)
    if out.report:
        report.write_html(ctx.run.path("report.html"))
        report.write_markdown(ctx.run.path("summary.md"))
    ctx.run.written += sorted(str(p.relative_to(ctx.run.partial)) for p in ctx.run.partial.glob("figures/*.png"))


STAGES = [("corpus", stage_corpus), ("tokens", stage_tokens), ("dtm", stage_dtm), ("metrics", stage_metrics), ("report", stage_report)]

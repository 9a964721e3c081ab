"""The stages of a run. Each takes the run :class:`Context`, reads earlier results from
``ctx.results`` and writes tables / figures. Only what the config enables runs."""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pandas as pd

from ..cache import code_fingerprint, stable_hash
from ..dtm import DocTermMatrix
from ..load import read_corpus
from .config import plain
from .run import Context
from .stagecache import cached, cached_tables, dtm_loader, save_dtm, save_tokens, tokens_loader


def stage_corpus(ctx: Context) -> None:
    """Load and filter the corpus; write ``corpus_summary`` (documents and characters by group)."""
    cfg = ctx.cfg.corpus
    corpus = read_corpus(cfg.path, strict=cfg.strict)
    path = Path(cfg.path)
    ctx.add_input(path / "corpus.jsonl" if (path / "corpus.jsonl").exists() else path)
    filters = dict(cfg.filters)
    if cfg.years:
        filters["year"] = (cfg.years[0], cfg.years[-1])
    corpus = corpus.subset(**filters)
    ctx.results["corpus"] = corpus
    ctx.results["corpus_key"] = [f"{d.doc_id}:{d.language}:{d.content_hash}" for d in corpus]  # part of cache keys
    parts = [table.rename(columns={by: "value"}).assign(by=by) for by, table in corpus.summary().items()]
    summary = pd.concat(parts, ignore_index=True)[["by", "value", "n_docs", "n_chars"]]
    summary["value"] = summary["value"].astype(str)
    ctx.table("corpus_summary", summary)
    if corpus.problems:
        ctx.table("corpus_problems", pd.DataFrame([vars(p) for p in corpus.problems]))


TOKEN_METRICS = {"keyness", "collocations", "kwic", "cooccurrence"}


def needs_tokens(ctx: Context) -> bool:
    """Tokens are needed by the token metrics and topics (the frame coders tokenize their own
    sentences); a run without them skips tokenization."""
    cfg = ctx.cfg
    return cfg.topics.enabled or any(m.kind in TOKEN_METRICS for m in cfg.metrics)


def _lexicon_inputs(ctx: Context) -> list[str]:
    """sha256 of the bundled word lists (stopwords, domain terms, term groups): part of cache keys
    and recorded in the manifest."""
    from ..resources import resource

    folder = resource("lexicons")
    ctx.add_input(folder)
    return [ctx.inputs[str(f)] for f in sorted(folder.glob("*.txt"))]


def stage_tokens(ctx: Context) -> None:
    """Tokenize (fugashi + unidic-lite, compounds) with the stage cache."""
    if not needs_tokens(ctx):
        return
    import unidic_lite

    from ..tokenize import dictionary_info, tokenize

    corpus, settings = ctx.results["corpus"], asdict(ctx.cfg.tokenize)
    key = stable_hash({"corpus": ctx.results["corpus_key"], "settings": settings, "dictionary": dictionary_info(unidic_lite.DICDIR),
                       "code": code_fingerprint("tokenize", "text"), "lexicons": _lexicon_inputs(ctx)})
    kwargs = {**settings, "user_terms": list(settings["user_terms"]) or None}
    tokens, hit = cached("tokens", key, lambda: tokenize(corpus, progress=ctx.progress, **kwargs), save_tokens,
                         tokens_loader(corpus.docvars, corpus.texts))
    ctx.cache_hits["tokens"] = hit
    ctx.results["tokens"] = tokens
    ctx.results["tokens_key"] = key


def stage_dtm(ctx: Context) -> None:
    """Document-term matrix of the documents in ``dtm.language``, trimmed, with the stage cache."""
    if not (ctx.cfg.topics.enabled and "tokens" in ctx.results):
        return
    cfg, tokens = ctx.cfg.dtm, ctx.results["tokens"]
    key = stable_hash({"tokens": ctx.results["tokens_key"], "dtm": asdict(cfg)})
    keep = pd.Series(True, index=tokens.docvars.index)
    if cfg.language != "all":
        keep &= tokens.docvars["language"] == cfg.language
    if cfg.sides:
        keep &= tokens.docvars["side"].isin(list(cfg.sides))
    tokens = tokens.subset(keep.to_numpy())

    def build() -> DocTermMatrix:
        dtm = DocTermMatrix.from_tokens(tokens).trim(min_termfreq=cfg.min_termfreq, min_docfreq=cfg.min_docfreq)
        return dtm.trim(max_docfreq=cfg.max_docfreq, docfreq_type="prop")

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
            from ..resources import resource

            ctx.add_input(params.get("table") or resource("statistics", "crime_figures.csv"))
            df = metrics.crime_figures(**params)
        else:
            df = getattr(metrics, spec.kind)(ctx.results["tokens"], **params)
        ctx.results.setdefault("metrics", {})[name] = (spec, df)
        ctx.table(name, df)


def stage_framing(ctx: Context) -> None:
    """Held-out evaluation of the classifier and the dictionary coder (test documents only), then
    frame prevalence by side and period from the chosen labels, with the gap state - ngo and the
    crosstab. The evaluation and the labels are stage-cached."""
    cfg = ctx.cfg.framing
    if not cfg.enabled:
        return
    from ..framing.codebook import DEFAULT_CODEBOOK
    from ..resources import resource

    codebook = str(cfg.codebook or resource(*DEFAULT_CODEBOOK))
    for path in (cfg.annotations, cfg.split, codebook):
        ctx.add_input(path)
    inputs = [ctx.inputs[str(Path(p))] for p in (cfg.annotations, cfg.split, codebook)] + _lexicon_inputs(ctx)
    key = stable_hash({"inputs": inputs, "corpus": ctx.results["corpus_key"],
                       "framing": asdict(cfg), "seed": ctx.cfg.seed, "code": code_fingerprint("framing", "tokenize", "text")})
    tables, meta, hit = cached_tables("framing", key, lambda: _evaluate_frames(ctx))
    ctx.cache_hits["framing"] = hit
    for name in meta["tables"]:
        ctx.table(name, tables[name])
    _frame_prevalence(ctx, tables["_labels"], meta["frames"], tables["_evaluation"], meta)


def _evaluate_frames(ctx: Context) -> tuple[dict[str, pd.DataFrame], dict]:
    from ..framing import load_codebook
    from ..framing.data import load_gold_set
    from ..framing.demo import evaluate_demo

    cfg = ctx.cfg.framing
    codebook = load_codebook(cfg.codebook or None)
    gold = load_gold_set(cfg.annotations, cfg.split, codebook=codebook)
    ev = evaluate_demo(gold, codebook=codebook, n_boot=cfg.n_boot, C=None if cfg.tune_C else 10.0,
                       learning=cfg.learning_curve, n_repeats=1, random_state=ctx.cfg.seed)
    tables = ev.tables()
    meta = {"tables": list(tables), "frames": list(gold.frames), "C": ev.C, "sizes": ev.sizes,
            "classifier": ev.classifier.summary, "dictionary": ev.dictionary.summary}
    labels = _frame_labels(ctx, gold, ev.C, codebook)
    return {**tables, "_labels": labels.reset_index(drop=True), "_evaluation": ev.table()}, plain(meta)


def _frame_labels(ctx: Context, gold, C: float, codebook) -> pd.DataFrame:
    corpus, source = ctx.results["corpus"], ctx.cfg.framing.prevalence_labels
    if source == "gold":
        labels = gold.labels[gold.labels["doc_id"].isin(set(corpus.doc_ids))]
        if labels["doc_id"].nunique() < len(corpus):
            from ..errors import ConfigError

            raise ConfigError(f"{ctx.cfg.source}: framing.prevalence_labels = 'gold' but only {labels['doc_id'].nunique()} "
                              f"of {len(corpus)} documents are annotated: use 'classifier' or 'dictionary'")
        return labels
    if source == "dictionary":
        from ..framing.dictionary import DictionaryCoder

        return DictionaryCoder(codebook=codebook).code_corpus(corpus).labels
    from sklearn.base import clone

    from ..framing import FramingClassifier

    all_gold = pd.concat([gold.train(), gold.test()], ignore_index=True)
    model = clone(FramingClassifier(codebook=codebook, random_state=ctx.cfg.seed)).set_params(C=C)
    model.fit(all_gold, gold.Y(all_gold))
    return model.code_corpus(corpus).labels


def _frame_prevalence(ctx: Context, labels: pd.DataFrame, frames: list[str], evaluation: pd.DataFrame, meta: dict) -> None:
    from .. import metrics
    from ..report import figures

    docvars, n_boot, seed = ctx.results["corpus"].docvars, ctx.cfg.framing.n_boot, ctx.cfg.seed
    docvars["period"] = period_of(docvars["year"])
    by_side = metrics.prevalence(labels, docvars, by="side", frames=frames, n_boot=n_boot, random_state=seed)
    by_year = metrics.prevalence(labels, docvars, by=["side", "period"], frames=frames, n_boot=n_boot, random_state=seed)
    gap = metrics.prevalence_gap(labels, docvars, by="side", target="state", reference="ngo", frames=frames, n_boot=n_boot, random_state=seed)
    cross = metrics.crosstab(labels, docvars, by="side", frames=frames)
    for name, df in (("frames_prevalence_by_side", by_side), ("frames_prevalence_by_side_period", by_year),
                     ("frames_gap_state_ngo", gap), ("frames_crosstab_side", cross)):
        ctx.table(name, df)
    main = by_side[by_side["side"].isin(["state", "ngo"])]
    state_frames = by_year["frame"].isin(["crime_threat", "statistical_threat"]) & (by_year["side"] == "state")
    trend = by_year[state_frames | ((by_year["frame"] == "discrimination") & (by_year["side"] == "ngo"))]
    trend = trend.assign(series=trend["side"] + ": " + trend["frame"])
    summary, sizes = meta["classifier"], meta["sizes"]
    ctx.results["framing"] = {
        "paragraphs": [f"Frame labels for prevalence: {ctx.cfg.framing.prevalence_labels}. Classifier evaluated on "
                       f"{sizes['test_docs']} held-out test documents ({sizes['test_sentences']} sentences) never seen "
                       f"in fitting: macro-F1 {summary['macro_f1']:.3f} ({summary['macro_f1_low']:.3f}-{summary['macro_f1_high']:.3f}), "
                       f"dictionary coder {meta['dictionary']['macro_f1']:.3f} (C = {meta['C']:g}, chosen by grouped "
                       "cross-validation on the training documents)."],
        "tables": [("classifier vs dictionary on held-out test documents", evaluation),
                   ("gap state - ngo (share of sentences)", gap)],
        "figures": [("frame prevalence by side (95% document-bootstrap interval)", "frames_by_side",
                     figures.grouped_intervals(main, item="frame", group="side", title="フレームの出現率 (文単位)")),
                    ("frames by period (3-year bins, start year shown)", "frames_by_period",
                     figures.lines_by_year(trend, year="period", value="share", group="series", ylabel="文の割合",
                                           title="フレームの推移 (3年ごと)"))],
    }


YEAR_CENTRE = 2000


def stage_topics(ctx: Context) -> None:
    """LDA topics on the DTM: labels (prob, FREX, lift), prevalence by side, the state - ngo contrast
    and covariate effects with the method of composition, JS divergence, representative documents,
    and ``select_k`` when a grid is given."""
    cfg = ctx.cfg.topics
    if not cfg.enabled:
        return
    from .. import topics as tp

    dtm, seed = ctx.results["dtm"], ctx.cfg.seed
    model = tp.TopicModel(cfg.n_topics, passes=cfg.passes, iterations=cfg.iterations, chunksize=cfg.chunksize,
                          alpha=cfg.alpha, random_state=seed).fit(dtm)
    theta, gamma = model.transform(dtm), model.posterior(dtm)
    labels = tp.label_topics(model)
    docvars = dtm.docvars.assign(year=dtm.docvars["year"] - YEAR_CENTRE)  # effects at 2000, not at year 0
    tables = {
        "topics_labels": labels.reset_index(),
        "topics_doc_topics": theta.reset_index(),
        "topics_prevalence_by_side": tp.topic_prevalence(theta, docvars, by="side", posterior=gamma, n_boot=cfg.n_boot, random_state=seed),
        "topics_contrast_state_ngo": tp.topic_contrast(theta, docvars, by="side", target="state", reference="ngo", posterior=gamma,
                                                       n_draws=cfg.n_draws, random_state=seed),
        "topics_effects": tp.topic_effects(theta, docvars, cfg.effects, posterior=gamma, n_draws=cfg.n_draws, random_state=seed),
        "topics_divergence": tp.topic_divergence(theta, docvars, by="side", target="state", reference="ngo", random_state=seed),
        "topics_representative_docs": tp.representative_docs(theta, n=3, texts=dict(zip(docvars.index, ctx.results["dtm_tokens"].texts))),
    }
    figs = [("state - ngo difference in topic proportion (95% interval, method of composition)", "topics_contrast",
             tp.plot_contrast(tables["topics_contrast_state_ngo"], labels=labels["frex"].to_dict(), title="トピック比率の差 (国家 - NGO)"))]
    if cfg.select_k:
        table = tp.select_k(dtm, list(cfg.select_k), texts=ctx.results["dtm_tokens"], n_jobs=cfg.n_jobs, random_state=seed,
                            passes=cfg.passes, chunksize=cfg.chunksize, iterations=cfg.iterations)
        ctx.timings["topics_select_k_fit_seconds"] = table["fit_seconds"].round(3).tolist()
        tables["topics_select_k"] = table.drop(columns="fit_seconds")  # wall-clock: not part of byte-identical tables
        figs.append(("choosing the number of topics", "topics_select_k", tp.plot_select_k(table)))
    for name, df in tables.items():
        ctx.table(name, df)
    ctx.results["topics"] = {"tables": [("labels", tables["topics_labels"]),
                                        ("prevalence by side (mean topic share, 95% interval)", tables["topics_prevalence_by_side"]),
                                        ("state - ngo contrast", tables["topics_contrast_state_ngo"]),
                                        ("Jensen-Shannon divergence", tables["topics_divergence"])]
                             + ([("select k", tables["topics_select_k"])] if "topics_select_k" in tables else []),
                             "figures": figs,
                             "paragraphs": [f"LDA with {cfg.n_topics} topics on {dtm.shape[0]} documents x {dtm.shape[1]} terms "
                                            f"(seed {seed}). Topic ids are never reordered. Intervals carry the model's own "
                                            f"uncertainty: {cfg.n_draws} draws of document-topic proportions from their posterior. "
                                            f"In topic_effects, year is centred at {YEAR_CENTRE}."]}


def period_of(years: pd.Series, start: int = 1990, width: int = 3) -> pd.Series:
    """Start year of the ``width``-year bin of each year (1990-1992 -> 1990, 1993-1995 -> 1993, ...)."""
    return (start + (years - start) // width * width).astype("Int64")


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


STAGES = [("corpus", stage_corpus), ("tokens", stage_tokens), ("dtm", stage_dtm), ("metrics", stage_metrics), ("topics", stage_topics),
          ("framing", stage_framing),
          ("report", stage_report)]

"""The stages of a run, registered by name in :data:`discourse.experiment.context.STAGES`.

Each stage is ``stage(ctx, cfg)``: the run :class:`~discourse.experiment.context.Context` and its
own config section. It reads earlier results from ``ctx.results`` and writes tables and figures.
Only what the config enables runs. Every stage that compares groups takes them from ``[compare]``
(``by``, ``target``, ``reference``, ``over``): no stage names a study's variables or levels.
"""
from __future__ import annotations

import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..cache import code_fingerprint, stable_hash
from ..dtm import DocTermMatrix
from .config import CompareConfig, CorpusConfig, DtmConfig, ExperimentConfig, FramingConfig, OutputsConfig, TokenizeConfig, \
    TopicsConfig, plain
from .context import Context, metric_kinds, register_stage
from .stagecache import cached, cached_tables, dtm_loader, save_dtm, save_tokens, tokens_loader
from .sharded import give_back


# --- comparison helpers --------------------------------------------------------------------------
def compared_mask(docvars: pd.DataFrame, compare: CompareConfig) -> np.ndarray:
    """The documents of the comparison: ``by`` in target or reference levels (reference omitted:
    every document with a value of ``by``). Without ``[compare]``: every document."""
    if not compare.enabled:
        return np.ones(len(docvars), dtype=bool)
    values = docvars[compare.by]
    if compare.reference is None:
        return values.notna().to_numpy(dtype=bool, copy=True)
    return values.isin(compare.levels("target") + compare.levels("reference")).to_numpy(dtype=bool, copy=True)


def slug(text: str) -> str:
    """A table-name-safe form of a level label (``"state+police"`` -> ``"state_police"``)."""
    return re.sub(r"\W+", "_", str(text)).strip("_") or "x"


def pair_name(compare: CompareConfig) -> str:
    """``"state_ngo"``: the target and reference labels joined, for table names."""
    return f"{slug(compare.label('target'))}_{slug(compare.label('reference'))}"


def level_order(docvars: pd.DataFrame, compare: CompareConfig) -> list[str]:
    """Levels of ``by`` in a stable order: target levels, reference levels, then the rest sorted
    (this order fixes each level's colour in every figure of the run)."""
    if not compare.enabled or compare.by not in docvars:
        return []
    first = [str(v) for v in compare.levels("target") + compare.levels("reference")]
    rest = sorted({str(v) for v in docvars[compare.by].dropna().unique()} - set(first))
    return first + rest


def _compare_docvars(ctx: Context, docvars: pd.DataFrame) -> pd.DataFrame:
    """``docvars`` with the ``by`` column as strings (figure groups and colours are keyed by label)."""
    by = ctx.cfg.compare.by
    return docvars.assign(**{by: docvars[by].astype("string")}) if by and by in docvars else docvars


# --- corpus --------------------------------------------------------------------------------------
def _problems_table(corpus) -> pd.DataFrame:
    """One row per skipped document or line (the loader's problems), before any subset."""
    if hasattr(corpus, "problems_frame"):
        return corpus.problems_frame()
    rows = [{k: (v if v is not None else "") for k, v in vars(p).items()} for p in corpus.problems]
    return pd.DataFrame(rows, columns=["path", "line", "field", "message"] if not rows else None)


def problem_kind(problem: Any) -> str:
    """How a problem is counted in the manifest: its ``kind`` if it has one, else its field."""
    kind = getattr(problem, "kind", None)
    return str(kind() if callable(kind) else kind) if kind else str(getattr(problem, "field", "") or "other")


SUMMARY_DOCVARS = ("genre", "language", "year")      # besides [compare] by and over


@register_stage("corpus", section="corpus")
def stage_corpus(ctx: Context, cfg: CorpusConfig) -> None:
    """Load (or reuse the corpus validate loaded) and filter; write ``corpus_summary`` (documents and
    characters by the compared docvar and the usual docvars) and ``corpus_problems`` (every skipped
    document, recorded before filtering)."""
    from ..load import read_corpus

    corpus = ctx.results.pop("loaded_corpus", None) or read_corpus(cfg.path, strict=cfg.strict)
    path = Path(cfg.path)
    ctx.add_input(path / "corpus.jsonl" if (path / "corpus.jsonl").exists() else path)
    problems = list(corpus.problems)
    kinds = pd.Series([problem_kind(p) for p in problems], dtype=object).value_counts().sort_index()
    ctx.results["problems"] = {"n": len(problems), "by_kind": {str(k): int(v) for k, v in kinds.items()}}
    if problems:
        ctx.table("corpus_problems", _problems_table(corpus))
    corpus = corpus.subset(**corpus_filters(cfg))
    ctx.results["corpus"] = corpus
    ctx.results["corpus_key"] = corpus.content_digest()       # part of cache keys
    ctx.results["levels"] = level_order(corpus.docvars, ctx.cfg.compare)
    ctx.table("corpus_summary", corpus_summary(corpus, ctx.cfg.compare))


def corpus_filters(cfg: CorpusConfig) -> dict[str, Any]:
    """``corpus.filters`` plus ``corpus.years`` as a ``year`` range."""
    filters = dict(cfg.filters)
    if cfg.years:
        filters["year"] = (cfg.years[0], cfg.years[-1])
    return filters


def _has_values(column: pd.Series) -> bool:
    """Does any document have a (non-empty) value of this docvar?"""
    values = column.dropna()
    return bool(len(values)) and bool((values.astype(str) != "").any())


def corpus_summary(corpus, compare: CompareConfig) -> pd.DataFrame:
    """Columns ``by``, ``value``, ``n_docs``, ``n_chars``: one block per docvar (the compared one
    first, then genre, language, year and ``over``, each when some document has a value)."""
    docvars = corpus.docvars.assign(n_chars=corpus.n_chars if hasattr(corpus, "n_chars") else [len(t) for t in corpus.texts])
    names = [n for n in dict.fromkeys([compare.by, *SUMMARY_DOCVARS, compare.over]) if n and n in docvars and _has_values(docvars[n])]
    parts = []
    for by in names:
        table = docvars.groupby(by, dropna=False).agg(n_docs=("n_chars", "size"), n_chars=("n_chars", "sum")).reset_index()
        parts.append(table.rename(columns={by: "value"}).assign(by=by))
    summary = pd.concat(parts, ignore_index=True)[["by", "value", "n_docs", "n_chars"]] if parts else \
        pd.DataFrame({"by": ["all"], "value": ["all"], "n_docs": [len(docvars)], "n_chars": [int(docvars["n_chars"].sum())]})
    summary["value"] = summary["value"].astype(str)
    return summary


# --- tokens and dtm ------------------------------------------------------------------------------
def needs_tokens(cfg: ExperimentConfig) -> bool:
    """Tokens are needed by the token metrics and topics (the frame coders tokenize their own
    sentences); a run without them skips tokenization."""
    kinds = metric_kinds()
    return cfg.topics.enabled or any(kinds[m.kind].needs_tokens for m in cfg.metrics)


def _lexicon_inputs(ctx: Context) -> list[str]:
    """sha256 of the bundled word lists (stopwords, domain terms, term groups): part of cache keys
    and recorded in the manifest."""
    from ..resources import resource

    folder = resource("lexicons")
    ctx.add_input(folder)
    return [ctx.inputs[str(f)] for f in sorted(folder.glob("*.txt"))]


@register_stage("tokens", section="tokenize", enabled=needs_tokens)
def stage_tokens(ctx: Context, cfg: TokenizeConfig) -> None:
    """Tokenize (fugashi + unidic-lite, compounds) with the stage cache."""
    import unidic_lite

    from ..tokenize import dictionary_info, tokenize
    from .sharded import is_streamed, stream_tokens

    if is_streamed(ctx):
        return stream_tokens(ctx)                       # shard by shard ([compute]): merged counts, no Tokens
    corpus, settings = ctx.results["corpus"], asdict(cfg)
    key = stable_hash({"corpus": ctx.results["corpus_key"], "settings": settings, "dictionary": dictionary_info(unidic_lite.DICDIR),
                       "code": code_fingerprint("tokenize", "text"), "lexicons": _lexicon_inputs(ctx)})
    kwargs = {**settings, "user_terms": list(settings["user_terms"]) or None}
    tokens, hit = cached("tokens", key, lambda: tokenize(corpus, progress=ctx.progress, **kwargs), save_tokens,
                         tokens_loader(corpus.docvars, corpus.texts))
    ctx.cache_hits["tokens"] = hit
    ctx.results["tokens"] = tokens
    ctx.results["tokens_key"] = key


@register_stage("dtm", section="dtm", enabled=lambda cfg: cfg.topics.enabled)
def stage_dtm(ctx: Context, cfg: DtmConfig) -> None:
    """Document-term matrix of the compared documents in ``dtm.language``, trimmed, with the stage cache."""
    from .sharded import is_streamed, stream_dtm

    compare = ctx.cfg.compare
    docvars = ctx.results["corpus"].docvars if is_streamed(ctx) else ctx.results["tokens"].docvars
    keep = compared_mask(docvars, compare)
    if cfg.language != "all":
        keep &= (docvars["language"] == cfg.language).to_numpy()
    if is_streamed(ctx):                               # the merged counts of the shards ([compute])
        dtm, texts = stream_dtm(ctx, keep)
        dtm = dtm.trim(min_termfreq=cfg.min_termfreq, min_docfreq=cfg.min_docfreq)
        key = stable_hash({"streamed": ctx.results["corpus_key"], "tokenize": asdict(ctx.cfg.tokenize), "dtm": asdict(cfg),
                           "compare": asdict(compare), "code": code_fingerprint("tokenize", "text", "dtm")})
        _dtm_results(ctx, dtm.trim(max_docfreq=cfg.max_docfreq, docfreq_type="prop"), texts, cfg, key)
        return
    key = stable_hash({"tokens": ctx.results["tokens_key"], "dtm": asdict(cfg), "compare": asdict(compare)})
    tokens = ctx.results["tokens"].subset(keep)

    def build() -> DocTermMatrix:
        dtm = DocTermMatrix.from_tokens(tokens).trim(min_termfreq=cfg.min_termfreq, min_docfreq=cfg.min_docfreq)
        return dtm.trim(max_docfreq=cfg.max_docfreq, docfreq_type="prop")

    dtm, hit = cached("dtm", key, build, save_dtm, dtm_loader(tokens.docvars))
    ctx.cache_hits["dtm"] = hit
    _dtm_results(ctx, dtm, tokens, cfg, key)


def _dtm_results(ctx: Context, dtm: DocTermMatrix, tokens: Any, cfg: DtmConfig, key: str) -> None:
    ctx.results["dtm"] = dtm
    ctx.results["dtm_tokens"] = tokens
    ctx.results["dtm_key"] = key
    ctx.table("dtm_summary", pd.DataFrame([{"n_docs": dtm.shape[0], "n_terms": dtm.shape[1],
                                            "n_tokens": int(dtm.matrix.sum()), "language": cfg.language}]))


# --- metrics -------------------------------------------------------------------------------------
def metric_table_name(spec) -> str:
    return spec.kind + (f"_{spec.name}" if spec.name else "")


@register_stage("metrics", enabled=lambda cfg: bool(cfg.metrics))
def stage_metrics(ctx: Context, cfg: ExperimentConfig) -> None:
    """Each ``[[metrics]]`` spec becomes one table ``<kind>[_<name>]`` (params already carry the
    ``[compare]`` defaults, see :func:`~discourse.experiment.config.with_compare_defaults`)."""
    from .sharded import is_streamed, stream_metric

    kinds = metric_kinds()
    for spec in cfg.metrics:
        kind, params = kinds[spec.kind], dict(spec.params)
        if spec.kind == "crime_figures":
            from ..resources import resource

            ctx.add_input(params.get("table") or resource("statistics", "crime_figures.csv"))
        if kind.needs_tokens and is_streamed(ctx):
            result = stream_metric(ctx, spec, kind.func, params)   # from the shards' merged counts ([compute])
        else:
            result = kind.func(ctx.results["tokens"], **params) if kind.needs_tokens else kind.func(**params)
        name = metric_table_name(spec)
        tables = kind.tables(result) if kind.tables else {"": result}
        ctx.results.setdefault("metrics", {})[name] = (spec, tables[""])
        if kind.tables:                       # the object (network, CA, clustering) for the report's figures
            ctx.results.setdefault("metric_objects", {})[name] = result
        for suffix, df in tables.items():
            ctx.table(f"{name}_{suffix}" if suffix else name, df)


# --- topics --------------------------------------------------------------------------------------
def effects_spec(cfg: ExperimentConfig) -> str:
    """``topics.effects``, or ``"<by> + <over>"`` of ``[compare]`` when empty."""
    if cfg.topics.effects:
        return cfg.topics.effects
    return " + ".join(v for v in (cfg.compare.by, cfg.compare.over) if v)


def spec_variables(spec: str) -> list[str]:
    """The docvars named in a covariate spec (``"side * year"`` -> ``["side", "year"]``)."""
    return list(dict.fromkeys(re.findall(r"[^\s+*:()]+", spec)))


def centre_numeric(docvars: pd.DataFrame, names: list[str]) -> tuple[pd.DataFrame, dict[str, int]]:
    """Numeric covariates centred at their median (rounded to an integer), so effects are read at a
    typical value (e.g. the year 2000), not at 0."""
    centres = {n: int(round(float(docvars[n].median()))) for n in names
               if n in docvars and pd.api.types.is_numeric_dtype(docvars[n]) and docvars[n].notna().any()}
    return docvars.assign(**{n: docvars[n] - c for n, c in centres.items()}), centres


@register_stage("topics", section="topics", enabled=lambda cfg: cfg.topics.enabled)
def stage_topics(ctx: Context, cfg: TopicsConfig) -> None:
    """LDA topics on the DTM: labels (prob, FREX, lift), prevalence by the compared docvar, the
    target - reference contrast and covariate effects with the method of composition, JS divergence,
    representative documents, and ``select_k`` when a grid is given. The tables are stage-cached
    (checksummed JSON) by the DTM, the topic settings, ``[compare]`` and the seed: a rerun does not
    refit the model."""
    key = stable_hash({"dtm": ctx.results["dtm_key"], "topics": asdict(cfg), "compare": asdict(ctx.cfg.compare),
                       "effects": effects_spec(ctx.cfg), "seed": ctx.cfg.seed, "code": code_fingerprint("topics", "experiment/stages")})
    tables, meta, hit = cached_tables("topics", key, lambda: _topic_tables(ctx, cfg))
    ctx.cache_hits["topics"] = hit
    if "select_k_fit_seconds" in meta:
        ctx.timings["topics_select_k_fit_seconds"] = meta["select_k_fit_seconds"]
    for name in meta["tables"]:
        ctx.table(name, tables[name])
    ctx.results["topics"] = _topic_results(ctx, cfg, tables, meta)


def _topic_tables(ctx: Context, cfg: TopicsConfig) -> tuple[dict[str, pd.DataFrame], dict]:
    """Fit the model and compute every topics table (the cached part of the stage)."""
    from .. import topics as tp

    dtm, seed, compare = ctx.results["dtm"], ctx.cfg.seed, ctx.cfg.compare
    model = tp.TopicModel(cfg.n_topics, passes=cfg.passes, iterations=cfg.iterations, chunksize=cfg.chunksize,
                          alpha=cfg.alpha, random_state=seed, backend=cfg.backend).fit(dtm)
    theta, gamma = model.transform(dtm), model.posterior(dtm)
    spec = effects_spec(ctx.cfg)
    docvars, centres = centre_numeric(dtm.docvars, spec_variables(spec))
    texts = dict(zip(docvars.index, ctx.results["dtm_tokens"].texts))
    tables = {"topics_labels": tp.label_topics(model).reset_index(), "topics_doc_topics": theta.reset_index()}
    if compare.enabled:
        by, t, r, pair = compare.by, compare.target, compare.reference, pair_name(compare)
        tables[f"topics_prevalence_by_{slug(by)}"] = tp.topic_prevalence(theta, docvars, by=by, posterior=gamma, n_boot=cfg.n_boot,
                                                                         random_state=seed)
        tables[f"topics_contrast_{pair}"] = tp.topic_contrast(theta, docvars, by=by, target=t, reference=r, posterior=gamma,
                                                              n_draws=cfg.n_draws, random_state=seed)
        tables["topics_divergence"] = tp.topic_divergence(theta, docvars, by=by, target=t, reference=r, random_state=seed)
    if spec:
        reference = {compare.by: compare.levels("reference")[0]} if compare.enabled and len(compare.levels("reference")) == 1 \
            and compare.by in spec_variables(spec) else None
        tables["topics_effects"] = tp.topic_effects(theta, docvars, spec, posterior=gamma, n_draws=cfg.n_draws, reference=reference,
                                                    random_state=seed)
    tables["topics_representative_docs"] = tp.representative_docs(theta, n=3, texts=texts)
    meta: dict[str, Any] = {"centres": centres, "n_docs": dtm.shape[0], "n_terms": dtm.shape[1]}
    if cfg.select_k:
        table = tp.select_k(dtm, list(cfg.select_k), texts=ctx.results["dtm_tokens"], n_jobs=cfg.n_jobs, random_state=seed,
                            passes=cfg.passes, chunksize=cfg.chunksize, iterations=cfg.iterations, backend=cfg.backend)
        meta["select_k_fit_seconds"] = table["fit_seconds"].round(3).tolist()
        tables["topics_select_k"] = table.drop(columns="fit_seconds")  # wall-clock: not part of byte-identical tables
    meta["tables"] = list(tables)
    return tables, plain(meta)


def _topic_results(ctx: Context, cfg: TopicsConfig, tables: dict[str, pd.DataFrame], meta: dict) -> dict[str, Any]:
    """The report's topics section (captions, figures, paragraph) from the topics tables."""
    from .. import topics as tp
    from ..report.figures import lazy

    compare, spec, seed = ctx.cfg.compare, effects_spec(ctx.cfg), ctx.cfg.seed
    labels = tables["topics_labels"].set_index("topic")
    figs, captions = [], []
    if compare.enabled:
        by, pair = compare.by, pair_name(compare)
        title = f"トピック比率の差 ({compare.label('target')} - {compare.label('reference')})"
        figs.append((f"{compare.label('target')} - {compare.label('reference')} difference in topic proportion "
                     "(95% interval, method of composition)", "topics_contrast",
                     lazy(tp.plot_contrast, tables[f"topics_contrast_{pair}"], labels=labels["frex"].to_dict(), title=title)))
        captions = [(f"prevalence by {by} (mean topic share, 95% interval)", f"topics_prevalence_by_{slug(by)}"),
                    (f"{compare.label('target')} - {compare.label('reference')} contrast", f"topics_contrast_{pair}"),
                    ("Jensen-Shannon divergence", "topics_divergence")]
    if cfg.select_k:
        table = tables["topics_select_k"].assign(fit_seconds=meta["select_k_fit_seconds"])
        figs.append(("choosing the number of topics", "topics_select_k", lazy(tp.plot_select_k, table)))
        captions.append(("select k", "topics_select_k"))
    centred = "; ".join(f"{n} centred at {c}" for n, c in meta["centres"].items())
    return {
        "tables": [("labels", tables["topics_labels"])] + [(c, tables[n]) for c, n in captions],
        "figures": figs,
        "paragraphs": [f"LDA with {cfg.n_topics} topics on {meta['n_docs']} documents x {meta['n_terms']} terms (seed {seed}). "
                       "Topic ids are never reordered. Intervals carry the model's own uncertainty: "
                       f"{cfg.n_draws} draws of document-topic proportions from their posterior."
                       + (f" Effects: {spec!r}" + (f" ({centred})." if centred else ".") if spec else "")]}


# --- framing -------------------------------------------------------------------------------------
def codebook_path(cfg: FramingConfig) -> str:
    from ..framing.codebook import DEFAULT_CODEBOOK
    from ..resources import resource

    return str(cfg.codebook or resource(*DEFAULT_CODEBOOK))


@register_stage("framing", section="framing", enabled=lambda cfg: cfg.framing.enabled)
def stage_framing(ctx: Context, cfg: FramingConfig) -> None:
    """Held-out evaluation of the classifier and the dictionary coder (test documents of the
    annotation file only), then frame prevalence by the compared docvar (and ``over``) from the
    chosen labels, the target - reference gap and the crosstab. The evaluation and the labels are
    stage-cached (checksummed JSON)."""
    codebook = codebook_path(cfg)
    for path in (cfg.annotations, cfg.split, codebook):
        ctx.add_input(path)
    inputs = [ctx.inputs[str(Path(p))] for p in (cfg.annotations, cfg.split, codebook)] + _lexicon_inputs(ctx)
    key = stable_hash({"inputs": inputs, "corpus": ctx.results["corpus_key"],
                       "framing": {k: v for k, v in asdict(cfg).items() if k not in ("annotations", "split", "codebook")},
                       "seed": ctx.cfg.seed, "code": code_fingerprint("framing", "tokenize", "text")})
    tables, meta, hit = cached_tables("framing", key, lambda: _evaluate_frames(ctx))
    ctx.results["framing_key"] = key
    ctx.cache_hits["framing"] = hit
    for name in meta["tables"]:
        ctx.table(name, tables[name])
    ctx.results["provenance"] = framing_provenance(ctx, meta)
    ctx.results["frame_labels"], ctx.results["frames"] = tables["_labels"], meta["frames"]   # read by later stages
    _frame_prevalence(ctx, tables["_labels"], meta["frames"], tables["_evaluation"], meta)


def _evaluate_frames(ctx: Context) -> tuple[dict[str, pd.DataFrame], dict]:
    from ..framing import load_codebook
    from ..framing.data import load_gold_set
    from ..framing.demo import evaluate_demo

    cfg = ctx.cfg.framing
    codebook = load_codebook(cfg.codebook or None)
    if not cfg.evaluate:                      # prevalence only: no classifier trained or scored
        gold = load_gold_set(cfg.annotations, cfg.split, codebook=codebook) if cfg.prevalence_labels == "gold" else None
        labels = _frame_labels(ctx, gold, None, codebook)
        meta = {"tables": [], "frames": list(gold.frames) if gold is not None else list(codebook.ids), "evaluated": False}
        return {"_labels": labels.reset_index(drop=True), "_evaluation": pd.DataFrame()}, plain(meta)
    gold = load_gold_set(cfg.annotations, cfg.split, codebook=codebook)
    ev = evaluate_demo(gold, codebook=codebook, n_boot=cfg.n_boot, C=None if cfg.tune_C else 10.0,
                       learning=cfg.learning_curve, n_repeats=1, random_state=ctx.cfg.seed)
    give_back(ctx)            # the evaluation's temporary matrices, before the corpus's labels are handled
    tables = ev.tables()
    meta = {"tables": list(tables), "frames": list(gold.frames), "C": ev.C, "sizes": ev.sizes,
            "classifier": ev.classifier.summary, "dictionary": ev.dictionary.summary,
            "annotated_docs": sorted(set(gold.labels["doc_id"])),
            "test_docs": sorted(set(gold.test()["doc_id"]))}
    labels = _frame_labels(ctx, gold, ev.C, codebook)
    return {**tables, "_labels": labels.reset_index(drop=True), "_evaluation": ev.table()}, plain(meta)


def _frame_labels(ctx: Context, gold, C: float, codebook) -> pd.DataFrame:
    corpus, source = ctx.results["corpus"], ctx.cfg.framing.prevalence_labels
    if source == "gold":
        return gold.labels[gold.labels["doc_id"].isin(set(corpus.doc_ids))]   # coverage checked by validate
    if source == "dictionary":
        from ..framing.dictionary import DictionaryCoder

        return _code_corpus(ctx, DictionaryCoder(codebook=codebook), source)
    if source == "pretrained":
        from ..framing import FramingClassifier

        return _code_corpus(ctx, FramingClassifier.pretrained(), source)
    from sklearn.base import clone

    from ..framing import FramingClassifier

    all_gold = pd.concat([gold.train(), gold.test()], ignore_index=True)
    model = clone(FramingClassifier(codebook=codebook, random_state=ctx.cfg.seed)).set_params(C=C)
    model.fit(all_gold, gold.Y(all_gold))
    return _code_corpus(ctx, model, source)


def _code_corpus(ctx: Context, coder: Any, source: str) -> pd.DataFrame:
    """The coder's sentence labels of the run's corpus (shard by shard when the run streams)."""
    from .sharded import code_labels, is_streamed

    return code_labels(ctx, coder, source) if is_streamed(ctx) else coder.code_corpus(ctx.results["corpus"]).labels


def framing_provenance(ctx: Context, meta: dict) -> dict[str, Any]:
    """Where the framing numbers come from: the annotation and split files the classifier was trained
    and evaluated on in this run, how many of the evaluated documents belong to this corpus, and which
    labels the prevalence tables count."""
    cfg, corpus_ids = ctx.cfg.framing, set(ctx.results["corpus"].doc_ids)
    if meta.get("evaluated") is False:
        return {"classifier": "not evaluated (framing.evaluate = false)", "codebook": shown_path(ctx, codebook_path(cfg)),
                "n_corpus_docs": len(corpus_ids), "prevalence_labels": cfg.prevalence_labels, "evaluated": False}
    test_docs = meta["test_docs"]
    n_in = sum(d in corpus_ids for d in test_docs)
    return {"classifier": "trained in this run", "annotations": shown_path(ctx, cfg.annotations),
            "split": shown_path(ctx, cfg.split), "codebook": shown_path(ctx, codebook_path(cfg)), "n_test_docs": len(test_docs), "n_test_docs_in_corpus": n_in,
            "n_annotated_docs_in_corpus": sum(d in corpus_ids for d in meta["annotated_docs"]),
            "n_corpus_docs": len(corpus_ids), "prevalence_labels": cfg.prevalence_labels}


def shown_path(ctx: Context, path: str) -> str:
    """``path`` relative to the project of the config (as a reader of the report knows it), else as is."""
    from .config import project_root

    if not ctx.cfg.source:
        return str(path)
    root = project_root(Path(ctx.cfg.source))
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def provenance_paragraphs(p: dict[str, Any], meta: dict) -> list[str]:
    """Plain statements of where each framing number comes from (report text)."""
    if p.get("evaluated") is False:
        return ["No coder was evaluated in this run (framing.evaluate = false): the accuracy of the frame codes below is "
                "the one measured where the coder was built (see its datasheet), not on this corpus.",
                f"Frame prevalence below counts {_labels_text(p['prevalence_labels'])} of the {p['n_corpus_docs']} corpus "
                f"documents (codebook {p['codebook']})."]
    summary, sizes = meta["classifier"], meta["sizes"]
    scores = (f"macro-F1 {summary['macro_f1']:.3f} ({summary['macro_f1_low']:.3f}-{summary['macro_f1_high']:.3f}) for the "
              f"classifier, {meta['dictionary']['macro_f1']:.3f} for the dictionary coder")
    source = (f"The frame classifier was trained in this run on the annotation file {p['annotations']} with the split "
              f"{p['split']} (C = {meta['C']:g}); both coders were evaluated on its {sizes['test_docs']} held-out test "
              f"documents ({sizes['test_sentences']} sentences) never seen in fitting: {scores}.")
    if p["n_test_docs_in_corpus"] == 0:
        where = ("None of those test documents is in this corpus: these scores describe the annotated documents of "
                 f"{p['annotations']}, not this corpus, and the accuracy of the frame codes on this corpus has not "
                 "been measured. Annotate a sample of this corpus to measure it.")
    elif p["n_test_docs_in_corpus"] < p["n_test_docs"]:
        where = (f"{p['n_test_docs_in_corpus']} of the {p['n_test_docs']} test documents are in this corpus; the others "
                 "come from the annotation file only.")
    else:
        where = "All test documents are documents of this corpus."
    return [source + " " + where, f"Frame prevalence below counts {_labels_text(p['prevalence_labels'])} of the "
            f"{p['n_corpus_docs']} corpus documents (codebook {p['codebook']})."]


def _labels_text(source: str) -> str:
    """What the prevalence tables count, in words."""
    if source == "pretrained":
        return _pretrained_text()
    return {"gold": "the human annotations (gold labels)",
            "classifier": "the classifier's codes (fitted on all annotated documents)",
            "dictionary": "the dictionary coder's codes (rules of the codebook, no training)"}[source]


def _pretrained_text() -> str:
    from ..framing.pretrained import manifest

    held = manifest()["held_out"]
    return ("the shipped classifier's codes (trained on real gold annotations of state and NGO texts and the demo gold; "
            f"macro-F1 on held-out real documents {held['macro_f1']:.3f}, {held['macro_f1_low']:.3f}-{held['macro_f1_high']:.3f})")


def periods(values: pd.Series, width: int = 3) -> pd.Series:
    """Start of the ``width``-unit bin of each value, bins starting at the smallest value
    (years 1990-1992 -> 1990, 1993-1995 -> 1993, ...)."""
    start = int(values.min())
    return (start + (values - start) // width * width).astype("Int64")


def _frame_prevalence(ctx: Context, labels: pd.DataFrame, frames: list[str], evaluation: pd.DataFrame, meta: dict) -> None:
    from .. import metrics
    from ..report import figures

    compare, n_boot, seed = ctx.cfg.compare, ctx.cfg.framing.n_boot, ctx.cfg.seed
    docvars = _compare_docvars(ctx, ctx.results["corpus"].docvars)
    p = ctx.results["provenance"]
    out = {"paragraphs": provenance_paragraphs(p, meta), "tables": [], "figures": []}
    if p.get("evaluated") is not False:
        caption = f"classifier vs dictionary on the held-out test documents of {p['annotations']}" + \
            (" (none of them in this corpus)" if p["n_test_docs_in_corpus"] == 0 else "")
        out["tables"].append((caption, evaluation))
    if not compare.enabled:
        overall = metrics.prevalence(labels, docvars, frames=frames, n_boot=n_boot, random_state=seed)
        ctx.table("frames_prevalence", overall)
        ctx.results["framing"] = out
        return
    by, colors = compare.by, figures.level_colors(ctx.results["levels"])
    prev = metrics.prevalence(labels, docvars, by=by, frames=frames, n_boot=n_boot, random_state=seed)
    give_back(ctx)
    gap = metrics.prevalence_gap(labels, docvars, by=by, target=compare.target, reference=compare.reference, frames=frames,
                                 n_boot=n_boot, random_state=seed)
    give_back(ctx)
    cross = metrics.crosstab(labels, docvars, by=by, frames=frames)
    pair, t, r = pair_name(compare), compare.label("target"), compare.label("reference")
    for name, df in ((f"frames_prevalence_by_{slug(by)}", prev), (f"frames_gap_{pair}", gap), (f"frames_crosstab_{slug(by)}", cross)):
        ctx.table(name, df)
    shown = prev[prev[by].astype(str).isin(_shown_levels(ctx))]
    _framed_share(ctx, labels, docvars, out)
    out["tables"].append((f"gap {t} - {r} (share of sentences)", gap))
    out["figures"].append((f"frame prevalence by {by} (95% document-bootstrap interval)", "frames_by_group",
                           figures.grouped_intervals(shown, item="frame", group=by, colors=colors,
                                                     title=f"フレームの出現率 (文単位): {' / '.join(_shown_levels(ctx))}")))
    if compare.over:
        over = docvars.assign(period=periods(docvars[compare.over])) if pd.api.types.is_numeric_dtype(docvars[compare.over]) \
            else docvars.assign(period=docvars[compare.over])
        by_period = metrics.prevalence(labels, over, by=[by, "period"], frames=frames, n_boot=n_boot, random_state=seed)
        ctx.table(f"frames_prevalence_by_{slug(by)}_{slug(compare.over)}", by_period)
        top = gap.reindex(gap["gap"].abs().sort_values(ascending=False).index)["frame"].head(3).tolist() \
            if "gap" in gap else frames[:3]
        trend = by_period[by_period["frame"].isin(top) & by_period[by].astype(str).isin(_shown_levels(ctx))]
        trend = trend.assign(series=trend[by].astype(str) + ": " + trend["frame"])
        keys = trend[[by, "frame", "series"]].drop_duplicates()
        dashes = {f: ("-", "--", ":")[i % 3] for i, f in enumerate(top)}
        out["figures"].append((f"the frames that differ most, by {by} and {compare.over} (3-unit bins, start shown)",
                               "frames_by_period",
                               figures.lines_by_year(trend, year="period", value="share", group="series", ylabel="文の割合",
                                                     title=f"フレームの推移 ({compare.over})",
                                                     colors={r["series"]: colors.get(str(r[by])) for r in keys.to_dict("records")},
                                                     styles={r["series"]: dashes[r["frame"]] for r in keys.to_dict("records")})))
    ctx.results["framing"] = out


def _framed_share(ctx: Context, labels: pd.DataFrame, docvars: pd.DataFrame, out: dict) -> None:
    """The headline: among sentences mentioning ``framing.mention``, threat- vs rebuttal-framed shares."""
    from .. import metrics

    f, compare = ctx.cfg.framing, ctx.cfg.compare
    if not (f.mention and f.threat and f.rebuttal) or "text" not in labels.columns:
        return
    flags = metrics.mention_flags(labels, f.mention)
    table = metrics.framed_share(labels, docvars, flags, threat=list(f.threat), rebuttal=list(f.rebuttal), by=compare.by,
                                 n_boot=f.n_boot, random_state=ctx.cfg.seed)
    ctx.table(f"frames_framed_share_{slug(compare.by)}", table)
    shown = table[[c for c in table.columns if not c.endswith(("_ci_low", "_ci_high")) or c.startswith("balance")]]
    out["headline"] = {
        "paragraph": (f"Among the sentences that mention {f.mention} terms, the share that advance a threat frame "
                      f"({', '.join(f.threat)}) against the share that contest it ({', '.join(f.rebuttal)}), by "
                      f"{compare.by}, with document-bootstrap intervals (frames: {ctx.cfg.framing.prevalence_labels} "
                      "labels). Co-mention of the two term groups alone misleads: a sentence that quotes a claim in "
                      "order to rebut it mentions the same words as the sentence that makes it; the frames tell them apart."),
        "table": (f"framed share of {f.mention} sentences by {compare.by}", shown)}


def _shown_levels(ctx: Context) -> list[str]:
    """The levels shown in figures: the compared ones (all levels when reference is omitted)."""
    compare = ctx.cfg.compare
    if compare.reference is None:
        return ctx.results["levels"]
    return [str(v) for v in compare.levels("target") + compare.levels("reference")]


# --- report --------------------------------------------------------------------------------------
@register_stage("report", section="outputs", enabled=lambda cfg: cfg.outputs.report or cfg.outputs.figures)
def stage_report(ctx: Context, cfg: OutputsConfig) -> None:
    """Figures, the self-contained ``report.html`` and the Markdown ``summary.md``. A figure drawn by an
    earlier run from the same data is copied from the stage cache (``stages/figures``, see
    :func:`~discourse.report.figures.figure_cache`, entered by the run)."""
    from ..report.build import build_report

    report = build_report(ctx.results, ctx.run.partial, title=f"discourse: {ctx.cfg.name}",
                          subtitle=ctx.cfg.description, write_figures=cfg.figures, compare=ctx.cfg.compare)
    if cfg.report:
        report.write_html(ctx.run.path("report.html"))
        report.write_markdown(ctx.run.path("summary.md"))
    ctx.run.written += sorted(str(p.relative_to(ctx.run.partial)) for p in ctx.run.partial.glob("figures/*.png"))
    ctx.warnings += report.warnings


STAGE_ORDER = ("corpus", "tokens", "dtm", "metrics", "topics", "framing", "report")

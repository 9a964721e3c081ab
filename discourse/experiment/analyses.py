"""The stage ``statistics``: frames and claims set against the official figures.

It runs after ``framing`` and reads the frame labels that stage computed (``ctx.results
["frame_labels"]``: one row per sentence, one 0/1 column per frame, the labels named by
``framing.prevalence_labels``). Configured by ``[statistics]``
(:class:`~discourse.experiment.config.StatisticsConfig`):

- ``claims = true``: the numeric claims of the sentences coded with one of ``claim_frames``
  (:func:`~discourse.metrics.claims.extract_claims`) checked against the statistics table
  (:func:`~discourse.metrics.claims.check_claims`): tables ``claims_checked`` (one row per claim)
  and ``claims_summary`` (verdicts and flags per ``[compare]`` group);
- ``indicator = "..."``: the yearly prevalence of ``frames`` by the compared groups beside that
  official series, with correlations at ``lags`` (:func:`~discourse.metrics.claims.frames_vs_figures`):
  tables ``frames_vs_figures`` (one row per frame, group and lag) and ``frames_vs_figures_series``
  (the yearly pairs of the figure).

Example
-------
>>> # [statistics]  claims = true  claim_frames = ["statistical_threat"]  indicator = "raini_penal_persons"
>>> # discourse run experiments/state_vs_ngo.toml   ->  tables/claims_checked.csv, tables/frames_vs_figures.csv
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ConfigError, DiscourseError, closest
from .config import ExperimentConfig, StatisticsConfig
from .context import Context, register_check, register_stage
from .stages import _compare_docvars, _shown_levels

#: ``[statistics]`` -> the table name of each result
CLAIMS_TABLE, CLAIMS_SUMMARY, VS_TABLE, VS_SERIES = "claims_checked", "claims_summary", "frames_vs_figures", \
    "frames_vs_figures_series"
FLAGS = ("scope_change", "population_mixing", "growth_vs_share")


def statistics_table(cfg: StatisticsConfig) -> pd.DataFrame:
    """The statistics table of ``cfg.table`` (the bundled one when empty)."""
    from ..metrics.crime_figures import load_statistics

    return load_statistics(cfg.table or None)


@register_stage("statistics", section="statistics", after="framing",
                enabled=lambda cfg: cfg.statistics.enabled)
def stage_statistics(ctx: Context, cfg: StatisticsConfig) -> None:
    """Claims checked against the figures, and frames set beside them (see the module docstring)."""
    from dataclasses import asdict

    from ..cache import code_fingerprint, stable_hash
    from ..resources import resource
    from .stagecache import cached_tables

    path = Path(cfg.table or resource("statistics", "crime_figures.csv"))
    ctx.add_input(path)
    out: dict[str, Any] = {"labels": ctx.cfg.framing.prevalence_labels}
    key = stable_hash({"framing": ctx.results["framing_key"], "statistics": asdict(cfg), "table": ctx.inputs[str(path)],
                       "compare": asdict(ctx.cfg.compare), "n_boot": ctx.cfg.framing.n_boot, "seed": ctx.cfg.seed,
                       "code": code_fingerprint("experiment/analyses", "metrics")})
    tables, meta, hit = cached_tables("statistics", key, lambda: _statistics_tables(ctx, cfg))
    ctx.cache_hits["statistics"] = hit
    if cfg.claims:
        checked, summary = tables[CLAIMS_TABLE], tables[CLAIMS_SUMMARY]
        ctx.table(CLAIMS_TABLE, checked)
        ctx.table(CLAIMS_SUMMARY, summary)
        out["claims"] = (checked, summary)
    if cfg.indicator:
        vs = tables[VS_TABLE]
        vs.attrs.update(meta["figures_attrs"], series=tables[VS_SERIES])
        ctx.table(VS_TABLE, vs)
        ctx.table(VS_SERIES, vs.attrs["series"])
        out["figures"] = vs
    ctx.results["statistics"] = out


def _statistics_tables(ctx: Context, cfg: StatisticsConfig) -> tuple[dict[str, pd.DataFrame], dict]:
    """The stage's tables (checked claims and their summary; frames beside the figures and the
    yearly pairs) and the attributes the report reads, for the stage cache."""
    from .config import plain

    table, labels = statistics_table(cfg), ctx.results["frame_labels"]
    docvars = _compare_docvars(ctx, ctx.results["corpus"].docvars)
    tables: dict[str, pd.DataFrame] = {}
    meta: dict[str, Any] = {}
    if cfg.claims:
        checked = claims_checked(labels, docvars, ctx.results["corpus"], cfg, table, by=ctx.cfg.compare.by or None)
        tables[CLAIMS_TABLE], tables[CLAIMS_SUMMARY] = checked, claims_summary(checked, ctx.cfg.compare.by or None)
    if cfg.indicator:
        frames = list(cfg.frames) or list(ctx.results["frames"])
        vs = frames_beside_figures(labels, docvars, cfg, table, frames=frames, by=ctx.cfg.compare.by or None,
                                   levels=_shown_levels(ctx) if ctx.cfg.compare.enabled else None,
                                   n_boot=ctx.cfg.framing.n_boot, seed=ctx.cfg.seed)
        tables[VS_TABLE], tables[VS_SERIES] = vs, vs.attrs["series"]
        meta["figures_attrs"] = plain({k: v for k, v in vs.attrs.items() if k != "series"})
    return tables, meta


# --- claims --------------------------------------------------------------------------------------
def sentence_texts(labels: pd.DataFrame, corpus: Any) -> pd.Series:
    """The text of each labelled sentence: the ``text`` column, else the ``start:end`` slice of its
    document's text."""
    if "text" in labels.columns:
        return labels["text"].astype(str)
    if not {"start", "end"} <= set(labels.columns):
        raise ConfigError("frame labels have neither a 'text' column nor 'start'/'end' offsets: claims cannot be read")
    texts = dict(zip(corpus.doc_ids, corpus.texts))
    return pd.Series([texts[d][int(a):int(b)] for d, a, b in zip(labels["doc_id"], labels["start"], labels["end"])],
                     index=labels.index, dtype=object)


def claims_checked(labels: pd.DataFrame, docvars: pd.DataFrame, corpus: Any, cfg: StatisticsConfig,
                   table: pd.DataFrame, *, by: str | None = None) -> pd.DataFrame:
    """The claims of the sentences coded with one of ``cfg.claim_frames`` (every sentence of
    ``labels`` when ``claim_frames`` is empty), checked against ``table``.

    Returns the columns of :func:`~discourse.metrics.claims.check_claims`, with the sentence's
    ``frames`` (those of ``claim_frames`` it is coded with, joined by ``+``) and the document's
    ``by`` and ``cfg.year`` docvars inserted after ``doc_id`` (the latter as ``doc_<year>`` when the claim's
    own ``year`` column has that name). The year of 今年 / 昨年 comes from the
    ``cfg.year`` docvar."""
    from ..metrics.claims import check_claims, extract_claims

    frames = list(cfg.claim_frames)
    missing = [f for f in frames if f not in labels.columns]
    if missing:
        raise ConfigError(f"claim frames {missing} are not columns of the frame labels (columns: {list(labels.columns)})")
    coded = labels[labels[frames].to_numpy().any(axis=1)] if frames and len(labels) else labels
    sentences = pd.DataFrame({"doc_id": coded["doc_id"].to_numpy(), "text": sentence_texts(coded, corpus).to_numpy()})
    if cfg.year in docvars.columns:
        sentences["year"] = docvars[cfg.year].reindex(sentences["doc_id"]).to_numpy()
    checked = check_claims(extract_claims(sentences), table)
    names = ["+".join(f for f, on in zip(frames, row) if on) for row in coded[frames].to_numpy()] if frames \
        else [""] * len(coded)
    checked.insert(checked.columns.get_loc("doc_id") + 1, "frames", [names[i] for i in checked["sentence"]])
    extra = [c for c in dict.fromkeys([by, cfg.year]) if c and c in docvars.columns]
    for k, col in enumerate(extra):
        name = col if col not in checked.columns else f"doc_{col}"       # the claim has its own year
        checked.insert(checked.columns.get_loc("doc_id") + 1 + k, name, docvars[col].reindex(checked["doc_id"]).to_numpy())
    checked.attrs.update(claim_frames=frames)
    return checked


def claims_summary(checked: pd.DataFrame, by: str | None) -> pd.DataFrame:
    """Per group of ``by`` (``"all"`` without it) and in total: ``n_claims``, ``matches``,
    ``differs``, ``no_figure`` and the number of claims with each flag (``scope_change``,
    ``population_mixing``, ``growth_vs_share``)."""
    def row(part: pd.DataFrame) -> dict[str, int]:
        status = part["status"].value_counts()
        return {"n_claims": len(part), **{s: int(status.get(s, 0)) for s in ("matches", "differs", "no_figure")},
                **{f: int(part[f].astype(bool).sum()) for f in FLAGS}}

    key = by if by and by in checked.columns else None
    rows = [{"group": str(g), **row(p)} for g, p in checked.groupby(key, sort=True)] if key else []
    rows.append({"group": "all", **row(checked)})
    return pd.DataFrame(rows, columns=["group", "n_claims", "matches", "differs", "no_figure", *FLAGS])


# --- frames beside the figures ---------------------------------------------------------------------
def frames_beside_figures(labels: pd.DataFrame, docvars: pd.DataFrame, cfg: StatisticsConfig, table: pd.DataFrame, *,
                          frames: list[str], by: str | None, levels: list[str] | None, n_boot: int,
                          seed: int) -> pd.DataFrame:
    """Prevalence of ``frames`` by ``by`` (its ``levels`` only) and year, correlated with the series
    ``cfg.indicator`` at ``cfg.lags`` (:func:`~discourse.metrics.claims.frames_vs_figures`).
    ``attrs["series"]`` holds the yearly pairs (prevalence with its interval beside the figure)."""
    from .. import metrics

    keys = [by, cfg.year] if by else [cfg.year]
    docvars = docvars[docvars[cfg.year].notna()]
    if by and levels:
        docvars = docvars[docvars[by].astype(str).isin(levels)]
    labels = labels[labels["doc_id"].isin(set(docvars.index))]
    prev = metrics.prevalence(labels, docvars, by=keys, frames=frames, n_boot=n_boot, random_state=seed)
    prev[cfg.year] = prev[cfg.year].astype(int)
    vs = metrics.frames_vs_figures(prev, table, indicator=cfg.indicator, lags=list(cfg.lags),
                                   scope_group=cfg.scope_group or None, year=cfg.year, group=by)
    pairs = vs.attrs["series"]
    if by:
        pairs[by] = pairs[by].astype(str)
        prev = prev.assign(**{by: prev[by].astype(str)})
    bands = prev[[*keys, "frame", "ci_low", "ci_high"]].rename(columns={cfg.year: "year"})
    vs.attrs["series"] = pairs.merge(bands, on=[k if k != cfg.year else "year" for k in keys] + ["frame"], how="left")
    vs.attrs.update(by=by, frames=frames, indicator=cfg.indicator)
    return vs


# --- validation ------------------------------------------------------------------------------------
@register_check("statistics")
def check_statistics(cfg: ExperimentConfig, corpus: Any) -> list[str]:
    """``[statistics]`` needs ``[framing]``; its frames are codebook frames; the statistics table
    reads and holds ``indicator`` (in ``scope_group``); the year docvar exists."""
    from ..framing import load_codebook

    s, where = cfg.statistics, cfg.source or "<config>"
    if not cfg.framing.enabled:
        raise ConfigError(f"{where}: [statistics] (claims / indicator) reads the frame labels of [framing], which is "
                          "disabled: set framing.enabled = true, or remove statistics.claims and statistics.indicator")
    if s.claims and not s.claim_frames:
        raise ConfigError(f"{where}: statistics.claims = true needs statistics.claim_frames, the frames whose sentences "
                          "are searched for numbers, e.g. claim_frames = [\"statistical_threat\", \"statistical_rebuttal\"]")
    ids = list(load_codebook(cfg.framing.codebook or None).ids)
    for key in ("claim_frames", "frames"):
        bad = [f for f in getattr(s, key) if f not in ids]
        if bad:
            raise ConfigError(f"{where}: statistics.{key} = {list(getattr(s, key))}: {bad} are not frames of the codebook"
                              f"{closest(bad[0], ids)}: choose among {ids}")
    if s.year not in corpus.docvars.columns:
        raise ConfigError(f"{where}: statistics.year = {s.year!r} is not a docvar of the corpus{closest(s.year, corpus.docvars.columns)}: "
                          f"the docvars are {list(corpus.docvars.columns)}")
    if s.indicator and not s.lags:
        raise ConfigError(f"{where}: statistics.lags = []: give at least one lag in years, e.g. lags = [0, 1, 2]")
    table = _checked_table(s, where)
    lines = [f"statistics: table {s.table or 'bundled crime_figures.csv'} ({len(table)} rows)"]
    if s.indicator:
        lines.append(_check_indicator(s, table, where))
    if s.claims:
        lines.append(f"statistics: claims in sentences coded {list(s.claim_frames)}")
    return lines


def _checked_table(s: StatisticsConfig, where: str) -> pd.DataFrame:
    if s.table and not Path(s.table).is_file():
        raise ConfigError(f"{where}: statistics.table = {s.table!r} does not exist: give the statistics CSV (the shape of "
                          "corpora/statistics/crime_figures.csv), or leave it empty for the bundled table")
    try:
        return statistics_table(s)
    except (DiscourseError, OSError, ValueError) as exc:
        raise ConfigError(f"{where}: statistics.table = {s.table!r} could not be read: {exc}") from None


def _check_indicator(s: StatisticsConfig, table: pd.DataFrame, where: str) -> str:
    from ..metrics.crime_figures import series

    groups = sorted(set(table.loc[table["indicator"] == s.indicator, "scope_group"].dropna().astype(str)))
    if s.scope_group and groups and s.scope_group not in groups:
        raise ConfigError(f"{where}: statistics.scope_group = {s.scope_group!r} has no figure of {s.indicator!r}"
                          f"{closest(s.scope_group, groups)}: choose among {groups}, or leave it empty")
    try:
        years = series(table, s.indicator, s.scope_group or None)["year"]
    except ConfigError as exc:
        raise ConfigError(f"{where}: statistics.indicator = {s.indicator!r}: {exc}") from None
    return (f"statistics: frames beside {s.indicator} ({len(years)} years, {int(years.min())}-{int(years.max())}), "
            f"lags {list(s.lags)}")


__all__ = ["stage_statistics", "claims_checked", "claims_summary", "frames_beside_figures", "check_statistics"]

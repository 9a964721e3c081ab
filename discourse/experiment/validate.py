"""``validate``: the checks a run makes before any work, so that a config that validates, runs.

:func:`validate` loads the corpus (documents and docvars; no tokenization) and checks every input
and value the enabled stages will use: the corpus path (naming the command that fetches a corpus
that is not there), filters and years, the ``[compare]`` docvar and levels, each metric's docvars,
levels and term groups, the topic-effects covariates, the codebook, annotation and split files,
the frames of the annotations and the coverage of gold labels. Each error names the config file,
the key, the bad value, the valid choices and the fix. ``run_experiment`` calls the same function
first (one code path) and reuses the corpus it loaded.

>>> report = validate(load_experiment("experiments/state_vs_ngo.toml"))   # doctest: +SKIP
>>> report.lines[0]                                                         # doctest: +SKIP
'corpus .../corpora/demo: 215 documents, 0 skipped'
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ConfigError, DiscourseError, closest
from . import analyses, stages  # noqa: F401  (register the stages whose checks are added below)
from .config import ExperimentConfig
from .context import STAGES, metric_kinds, register_check
from .stages import codebook_path, compared_mask, corpus_filters, effects_spec, spec_variables


@dataclass
class Validation:
    """What :func:`validate` found: one line per check passed, and the loaded corpus (reused by the run)."""

    lines: list[str] = field(default_factory=list)
    corpus: Any = None


def validate(cfg: ExperimentConfig) -> Validation:
    """Check ``cfg`` against its inputs; raise :class:`ConfigError` on the first problem."""
    out = Validation()
    full = _load_corpus(cfg, out)
    kept = _filtered(cfg, full, out)
    _check_compare(cfg, kept.docvars, out)
    if _streams(cfg):
        from .sharded import check_streaming

        out.lines += check_streaming(cfg, _where(cfg))
    for stage in STAGES.values():
        if stage.enabled(cfg):
            for check in stage.checks:
                out.lines += check(cfg, kept)
    out.corpus = full
    return out


def _where(cfg: ExperimentConfig) -> str:
    return cfg.source or "<config>"


# --- corpus --------------------------------------------------------------------------------------
def _load_corpus(cfg: ExperimentConfig, out: Validation) -> Any:
    path = Path(cfg.corpus.path)
    if not path.exists():
        from .config import project_root

        root = project_root(Path(cfg.source)) if cfg.source else Path.cwd()
        fetch = (f": fetch it first with `{cfg.corpus.fetch}` (run in {root})" if cfg.corpus.fetch
                 else ": give the path of a corpus .jsonl file or folder (relative paths are read from the config's folder)")
        raise ConfigError(f"{_where(cfg)}: corpus.path = {str(path)!r} does not exist{fetch}")
    try:
        corpus = _read(cfg, path)
    except DiscourseError as exc:
        raise ConfigError(f"{_where(cfg)}: corpus.path = {str(path)!r} could not be read: {exc}") from None
    out.lines.append(f"corpus {path}: {len(corpus)} documents, {len(corpus.problems)} skipped"
                     + (" (listed in tables/corpus_problems.csv by the run)" if corpus.problems else ""))
    if not len(corpus):
        raise ConfigError(f"{_where(cfg)}: corpus.path = {str(path)!r} holds no readable document "
                          f"({len(corpus.problems)} skipped): fix the problems `discourse corpus info {path}` lists")
    return corpus


def _streams(cfg: ExperimentConfig) -> bool:
    """Does the run stream its corpus shard by shard (``[compute]``)? An error when it should but
    cannot (a corpus that is not JSON Lines)."""
    from .sharded import _jsonl_files, streaming_enabled

    on = streaming_enabled(cfg)
    if on and not _jsonl_files(cfg.corpus.path):
        raise ConfigError(f"{_where(cfg)}: compute.streaming = {cfg.compute.streaming!r} (scheduler "
                          f"{cfg.compute.scheduler!r}) needs a JSON Lines corpus, but corpus.path = {cfg.corpus.path!r} "
                          "is a folder of files: convert it with `discourse corpus import` or set compute.streaming = \"off\"")
    return on


def _read(cfg: ExperimentConfig, path: Path) -> Any:
    """The whole corpus in memory, or (streaming) its docvars and where each document lives."""
    from ..load import read_corpus
    from .sharded import index_corpus

    if _streams(cfg):
        return index_corpus(path, strict=cfg.corpus.strict, shard_bytes=cfg.compute.shard_bytes)
    return read_corpus(path, strict=cfg.corpus.strict)


def _filtered(cfg: ExperimentConfig, corpus: Any, out: Validation) -> Any:
    docvars, c = corpus.docvars, cfg.corpus
    for name in c.filters:
        _require_docvar(cfg, f"corpus.filters.{name}", name, docvars, label="corpus.filters")
    if c.years:
        years = docvars["year"].dropna() if "year" in docvars else pd.Series([], dtype=float)
        if years.empty:
            raise ConfigError(f"{_where(cfg)}: corpus.years = {list(c.years)} but no document has a date: "
                              "delete corpus.years or add dates to the corpus")
        lo, hi = int(years.min()), int(years.max())
        if c.years[-1] < lo or c.years[0] > hi:
            raise ConfigError(f"{_where(cfg)}: corpus.years = {list(c.years)} is outside the data, whose documents "
                              f"date from {lo} to {hi}: choose years within [{lo}, {hi}]")
        if c.years[0] < lo or c.years[-1] > hi:
            out.lines.append(f"corpus.years {list(c.years)}: note, the documents date from {lo} to {hi}")
    try:
        kept = corpus.subset(**corpus_filters(c))
    except ConfigError as exc:
        raise ConfigError(f"{_where(cfg)}: corpus.filters: {exc}") from None
    if not len(kept):
        raise ConfigError(f"{_where(cfg)}: corpus.filters {dict(c.filters)} with corpus.years {list(c.years)} keep no "
                          "document: loosen them")
    out.lines.append(f"corpus.filters keep {len(kept)} documents")
    return kept


def _require_docvar(cfg: ExperimentConfig, key: str, name: Any, docvars: pd.DataFrame, label: str | None = None) -> None:
    """``name`` (or each of a list) must be a docvar of the corpus."""
    for n in (name if isinstance(name, (list, tuple)) else [name]):
        if n not in docvars.columns:
            shown = f"{label}: {n!r}" if label else f"{key} = {n!r}"
            raise ConfigError(f"{_where(cfg)}: {shown} is not a docvar of the corpus {cfg.corpus.path}"
                              f"{closest(str(n), docvars.columns)}: the docvars are {list(docvars.columns)}")


def _levels_present(docvars: pd.DataFrame, by: str) -> list[Any]:
    return sorted(docvars[by].dropna().unique().tolist(), key=str)


def _require_levels(cfg: ExperimentConfig, key: str, by: str, values: Any, docvars: pd.DataFrame) -> None:
    """Every value of ``values`` must occur in the docvar ``by`` of the (filtered) corpus."""
    present = _levels_present(docvars, by)
    for v in (list(values) if isinstance(values, (list, tuple)) else [values]):
        if not (docvars[by] == v).any():
            shown = present if len(present) <= 30 else present[:30] + ["..."]
            hint = closest(str(v), [str(p) for p in present])
            typed = " (the values of this docvar are numbers: write them without quotes)" if \
                isinstance(v, str) and pd.api.types.is_numeric_dtype(docvars[by]) else ""
            raise ConfigError(f"{_where(cfg)}: {key} = {v!r} is not a value of {by!r} in the corpus {cfg.corpus.path} "
                              f"(after corpus.filters){hint}{typed}: the values are {shown}")


def _check_compare(cfg: ExperimentConfig, docvars: pd.DataFrame, out: Validation) -> None:
    c = cfg.compare
    if not c.enabled:
        if c.target is not None or c.reference is not None or c.over:
            raise ConfigError(f"{_where(cfg)}: [compare] has target/reference/over but no 'by': "
                              "name the docvar that holds the groups, e.g. by = \"side\"")
        out.lines.append("compare: none (comparison tables are skipped)")
        return
    _require_docvar(cfg, "compare.by", c.by, docvars)
    if c.target is None:
        raise ConfigError(f"{_where(cfg)}: compare.target is missing: give a value (or list) of {c.by!r}, one of "
                          f"{_levels_present(docvars, c.by)[:30]}")
    _require_levels(cfg, "compare.target", c.by, c.target, docvars)
    if c.reference is not None:
        _require_levels(cfg, "compare.reference", c.by, c.reference, docvars)
        both = set(map(str, c.levels("target"))) & set(map(str, c.levels("reference")))
        if both:
            raise ConfigError(f"{_where(cfg)}: compare.target and compare.reference share {sorted(both)}: "
                              "give disjoint values")
    elif not (docvars[c.by].notna() & ~docvars[c.by].isin(c.levels("target"))).any():
        raise ConfigError(f"{_where(cfg)}: compare.reference is omitted (= every other document) but every document "
                          f"has {c.by} in {c.levels('target')}: give a reference or a corpus with other documents")
    if c.over:
        _require_docvar(cfg, "compare.over", c.over, docvars)
    n = int(compared_mask(docvars, c).sum())
    out.lines.append(f"compare {c.by}: {c.label('target')} vs {c.label('reference')} ({n} documents)"
                     + (f", over {c.over}" if c.over else ""))


# --- per-stage checks ----------------------------------------------------------------------------
@register_check("metrics")
def check_metrics(cfg: ExperimentConfig, corpus: Any) -> list[str]:
    """Each metric's docvars (``by``), levels (``target``/``reference``), term groups (``a``/``b``),
    required arguments and input files."""
    docvars, lines, kinds = corpus.docvars, [], metric_kinds()
    for n, spec in enumerate(cfg.metrics):
        kind, p, key = kinds[spec.kind], spec.params, f"metrics[{n}].params"
        signature = list(inspect.signature(kind.func).parameters.values())[1 if kind.needs_tokens else 0:]
        for param in signature:
            if param.default is inspect.Parameter.empty and param.name not in p and \
                    param.kind not in (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL):
                raise ConfigError(f"{_where(cfg)}: metrics[{n}] ({spec.kind} {spec.name!r}) needs '{param.name}': give it in "
                                  f"params{' or state the comparison in [compare]' if param.name in ('by', 'target') else ''}")
        if p.get("by") is not None:
            _require_docvar(cfg, f"{key}.by", p["by"], docvars)
        for side in ("target", "reference"):
            if p.get(side) is not None and isinstance(p.get("by"), str):
                _require_levels(cfg, f"{key}.{side}", p["by"], p[side], docvars)
        for group in ("a", "b"):
            if isinstance(p.get(group), str):
                from ..metrics.association import term_groups

                if p[group] not in term_groups():
                    raise ConfigError(f"{_where(cfg)}: {key}.{group} = {p[group]!r} is not a bundled term group"
                                      f"{closest(p[group], term_groups())}: use one of {term_groups()} or a list of terms")
        if spec.kind == "crime_figures":
            _check_indicators(cfg, key, p, kind.func)
        lines.append(f"metrics[{n}] {spec.kind} {spec.name!r}: ok")
    return lines


def _check_indicators(cfg: ExperimentConfig, key: str, p: dict[str, Any], func: Any) -> None:
    """Compute the crime figures as the run will (a small table: cheap), so every check of the
    function (indicators, units, populations, scopes, years) is a validate error too."""
    import warnings

    from ..resources import resource

    table = p.get("table") or resource("statistics", "crime_figures.csv")
    if not Path(table).is_file():
        raise ConfigError(f"{_where(cfg)}: {key}.table = {str(table)!r} does not exist: give the statistics CSV")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            func(**{**p, "table": table})
    except ConfigError as exc:
        raise ConfigError(f"{_where(cfg)}: {key}: {exc}") from None


@register_check("topics")
def check_topics(cfg: ExperimentConfig, corpus: Any) -> list[str]:
    """The covariates of ``topics.effects`` are docvars; the DTM keeps at least two documents."""
    docvars, spec = corpus.docvars, effects_spec(cfg)
    for name in spec_variables(spec):
        if name not in docvars.columns:
            raise ConfigError(f"{_where(cfg)}: topics.effects = {spec!r} names {name!r}, which is not a docvar of the corpus"
                              f"{closest(name, docvars.columns)}: the docvars are {list(docvars.columns)}")
    keep = compared_mask(docvars, cfg.compare).copy()
    if cfg.dtm.language != "all":
        keep &= (docvars["language"] == cfg.dtm.language).to_numpy()
    if keep.sum() < 2:
        raise ConfigError(f"{_where(cfg)}: dtm.language = {cfg.dtm.language!r} keeps {int(keep.sum())} of the compared "
                          "documents: a topic model needs at least 2 (set dtm.language = \"all\" or check [compare])")
    return [f"topics: {int(keep.sum())} documents for the DTM; effects {spec!r}"]


def _check_framed_share(cfg: ExperimentConfig, codebook: Any) -> None:
    """``framing.mention`` is a bundled term group; ``threat`` and ``rebuttal`` are codebook frames."""
    from ..metrics.association import term_groups

    f, where = cfg.framing, _where(cfg)
    if f.mention and f.mention not in term_groups():
        raise ConfigError(f"{where}: framing.mention = {f.mention!r} is not a bundled term group{closest(f.mention, term_groups())}: "
                          f"choose among {term_groups()}")
    for key in ("threat", "rebuttal"):
        bad = [x for x in getattr(f, key) if x not in codebook.ids]
        if bad:
            raise ConfigError(f"{where}: framing.{key} = {list(getattr(f, key))}: {bad} are not frames of the codebook "
                              f"({list(codebook.ids)})")
    if f.mention and not (f.threat and f.rebuttal):
        raise ConfigError(f"{where}: framing.mention = {f.mention!r} needs framing.threat and framing.rebuttal (frame lists)")


@register_check("framing")
def check_framing(cfg: ExperimentConfig, corpus: Any) -> list[str]:
    """Codebook, annotation and split files exist and load; the annotations' frames are in the
    codebook; ``prevalence_labels = "gold"`` needs every corpus document annotated."""
    from ..framing.data import load_gold_set

    f, where = cfg.framing, _where(cfg)
    if not f.evaluate and f.prevalence_labels == "classifier":
        raise ConfigError(f"{where}: framing.evaluate = false with prevalence_labels = 'classifier': the classifier is "
                          "trained and scored in the same step; use prevalence_labels = \"pretrained\" or \"dictionary\", "
                          "or set framing.evaluate = true")
    if not f.evaluate and f.prevalence_labels != "gold":
        codebook = _load_codebook_checked(f, where)
        _check_framed_share(cfg, codebook)
        return [f"framing: codebook {codebook_path(f)} ({len(codebook.ids)} frames); no evaluation "
                f"(framing.evaluate = false); labels for prevalence: {f.prevalence_labels}"]
    for key, value in (("codebook", f.codebook), ("annotations", f.annotations), ("split", f.split)):
        if value and not Path(value).is_file():
            raise ConfigError(f"{where}: framing.{key} = {value!r} does not exist: give the path of the "
                              f"{key} file (relative paths are read from the config's folder)"
                              + (", or leave it empty for the bundled codebook" if key == "codebook" else ""))
    codebook = _load_codebook_checked(f, where)
    try:
        gold = load_gold_set(f.annotations, f.split, codebook=codebook)
    except DiscourseError as exc:
        raise ConfigError(f"{where}: framing.annotations = {f.annotations!r} / framing.split = {f.split!r} do not fit "
                          f"the codebook {codebook_path(f)}: {exc} (add the frame to the codebook or correct the "
                          "annotation)") from None
    _check_framed_share(cfg, codebook)
    annotated = set(gold.labels["doc_id"])
    covered = int(corpus.docvars.index.isin(annotated).sum())     # no Python string per corpus document
    if f.prevalence_labels == "gold" and covered < len(corpus):
        raise ConfigError(f"{where}: framing.prevalence_labels = 'gold' but only {covered} of the {len(corpus)} corpus "
                          f"documents are annotated in {f.annotations}: use prevalence_labels = \"classifier\" or "
                          "\"dictionary\" (or annotate the corpus)")
    return [f"framing: codebook {codebook_path(f)} ({len(codebook.ids)} frames); annotations {len(annotated)} documents "
            f"({covered} of them in this corpus); labels for prevalence: {f.prevalence_labels}"]


def _load_codebook_checked(f: Any, where: str) -> Any:
    from ..framing import load_codebook

    if f.codebook and not Path(f.codebook).is_file():
        raise ConfigError(f"{where}: framing.codebook = {f.codebook!r} does not exist: give the path of the codebook "
                          "file (relative paths are read from the config's folder), or leave it empty for the bundled codebook")
    try:
        return load_codebook(f.codebook or None)
    except DiscourseError as exc:
        raise ConfigError(f"{where}: framing.codebook = {codebook_path(f)!r}: {exc}") from None


def check_all(cfg: ExperimentConfig) -> list[str]:
    """The lines of :func:`validate` (what ``discourse validate`` prints)."""
    return validate(cfg).lines

"""Experiment configs: TOML files loaded into frozen dataclasses, validated with helpful errors.

Unknown or misspelled keys are errors that name the key, the file and the nearest valid key;
wrong types and out-of-range values likewise. ``--set section.key=value`` overrides are applied
before validation and recorded.

Example
-------
>>> cfg = load_experiment("experiments/state_vs_ngo.toml", overrides=["topics.n_topics=6"])  # doctest: +SKIP
>>> cfg.topics.n_topics                                                                    # doctest: +SKIP
6
"""
from __future__ import annotations

import dataclasses
import json
import sys
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from ..errors import ConfigError, closest


@dataclass(frozen=True)
class CorpusConfig:
    """Which documents: a corpus path (``.jsonl`` or folder) and docvar filters."""

    path: str = "corpora/demo"
    filters: dict[str, Any] = field(default_factory=dict)   # docvar -> value or list of values
    years: tuple[int, ...] = ()                              # () = all; (first, last) inclusive
    strict: bool = False


@dataclass(frozen=True)
class TokenizeConfig:
    """Settings passed to :func:`discourse.tokenize.tokenize`."""

    compound: Literal["none", "affix", "noun_sequence"] = "affix"
    pos: str = "content"
    stopwords: bool = True
    form: Literal["lemma", "surface"] = "lemma"
    user_terms: tuple[str, ...] = ()
    n_jobs: int = 1
    numbers: Literal["drop", "keep", "class"] = "drop"


@dataclass(frozen=True)
class DtmConfig:
    """Document-term matrix trimming (see :meth:`DocTermMatrix.trim`)."""

    min_termfreq: int = 3                                 # count
    min_docfreq: int = 2                                  # count of documents
    max_docfreq: float = 0.5                              # share of documents (drops near-ubiquitous terms)
    language: Literal["ja", "en", "all"] = "ja"
    sides: tuple[str, ...] = ()                           # () = all sides


@dataclass(frozen=True)
class TopicsConfig:
    """Topic model settings; ``select_k`` = grid of k to compare (empty: skip selection)."""

    enabled: bool = True
    n_topics: int = 6
    passes: int = 30
    iterations: int = 100
    chunksize: int = 20                                   # small corpora: several online updates per pass
    alpha: str = "symmetric"
    select_k: tuple[int, ...] = ()
    effects: str = "side + year"                          # covariate spec for topic_effects
    n_draws: int = 20
    n_boot: int = 500
    n_jobs: int = 1                                       # processes for select_k


@dataclass(frozen=True)
class FramingConfig:
    """Framing: codebook, gold annotations and the classifier evaluated on held-out documents."""

    enabled: bool = True
    codebook: str = ""                                   # "" = bundled codebook
    annotations: str = "corpora/demo/annotations/gold.jsonl"
    split: str = "corpora/demo/annotations/split.csv"
    tune_C: bool = True                                  # grouped CV on the training documents
    learning_curve: bool = True
    prevalence_labels: Literal["gold", "classifier", "dictionary"] = "gold"
    n_boot: int = 500


@dataclass(frozen=True)
class MetricSpec:
    """One metric table: ``kind`` plus the keyword arguments of that metric function."""

    kind: Literal["keyness", "collocations", "kwic", "cooccurrence", "crime_figures"]
    name: str = ""
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OutputsConfig:
    """Where and how results are written."""

    dir: str = "runs"
    csv_bom: bool = False            # True: UTF-8 with BOM, for Excel on Japanese Windows
    figures: bool = True
    report: bool = True


@dataclass(frozen=True)
class ExperimentConfig:
    """A whole study: the single source of truth for one run."""

    name: str
    description: str = ""
    seed: int = 42
    corpus: CorpusConfig = field(default_factory=CorpusConfig)
    tokenize: TokenizeConfig = field(default_factory=TokenizeConfig)
    dtm: DtmConfig = field(default_factory=DtmConfig)
    topics: TopicsConfig = field(default_factory=TopicsConfig)
    framing: FramingConfig = field(default_factory=FramingConfig)
    metrics: tuple[MetricSpec, ...] = ()
    outputs: OutputsConfig = field(default_factory=OutputsConfig)
    source: str = ""                 # the config file
    overrides: tuple[str, ...] = ()  # --set values applied

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-serialisable form (the resolved config written to the run folder)."""
        return plain(dataclasses.asdict(self))


def load_experiment(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> ExperimentConfig:
    """Read, override and validate an experiment TOML file."""
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: config file not found")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    for item in overrides:
        apply_override(raw, item, path)
    raw.setdefault("name", path.stem)
    cfg = _build(ExperimentConfig, raw, f"{path}", "")
    check_ranges(cfg, str(path))
    check_metric_params(cfg, str(path))
    return dataclasses.replace(cfg, source=str(path), overrides=tuple(overrides))


def _require(ok: bool, where: str, key: str, value: Any, rule: str) -> None:
    if not ok:
        raise ConfigError(f"{where}: {key} = {value!r} is out of range: {rule}")


def check_ranges(cfg: ExperimentConfig, where: str) -> None:
    """Values the types allow but the methods do not (k >= 2, shares in (0, 1], ...)."""
    t, f, d, c = cfg.topics, cfg.framing, cfg.dtm, cfg.corpus
    _require(t.n_topics >= 2, where, "topics.n_topics", t.n_topics, "use 2 or more topics")
    for key in ("passes", "iterations", "chunksize", "n_draws", "n_boot", "n_jobs"):
        _require(getattr(t, key) >= 1, where, f"topics.{key}", getattr(t, key), "use 1 or more")
    _require(all(k >= 2 for k in t.select_k), where, "topics.select_k", list(t.select_k), "every k must be 2 or more")
    _require(f.n_boot >= 1, where, "framing.n_boot", f.n_boot, "use 1 or more resamples")
    _require(0 < d.max_docfreq <= 1, where, "dtm.max_docfreq", d.max_docfreq, "a share of documents in (0, 1]")
    _require(len(c.years) in (0, 2) and list(c.years) == sorted(c.years), where, "corpus.years", list(c.years),
             "give [first, last] with first <= last, or leave it out")
    _require(cfg.tokenize.n_jobs >= 1, where, "tokenize.n_jobs", cfg.tokenize.n_jobs, "use 1 or more processes")


def check_metric_params(cfg: ExperimentConfig, where: str) -> None:
    """Each ``[[metrics]]`` entry's params must be keyword arguments of that metric function (the
    tokens argument of the token metrics is supplied by the run)."""
    import inspect

    from .. import metrics

    for n, spec in enumerate(cfg.metrics):
        params = list(inspect.signature(getattr(metrics, spec.kind)).parameters)
        valid = params if spec.kind == "crime_figures" else params[1:]
        for key in spec.params:
            if key not in valid:
                raise ConfigError(f"{where}: unknown key 'metrics[{n}].params.{key}' for {spec.kind}{closest(key, valid)}: "
                                  f"valid keys are {valid}")


def apply_override(raw: dict[str, Any], item: str, path: Path | str = "--set") -> None:
    """Apply ``section.key=value`` (value parsed as a TOML literal, else taken as a string)."""
    if "=" not in item:
        raise ConfigError(f"--set {item!r}: use section.key=value, e.g. topics.n_topics=12")
    dotted, value = item.split("=", 1)
    try:
        parsed = tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        parsed = value
    keys = dotted.strip().split(".")
    node = raw
    for key in keys[:-1]:
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            raise ConfigError(f"--set {item!r}: {key!r} is not a section")
    node[keys[-1]] = parsed


def _build(cls: type, raw: Any, where: str, prefix: str) -> Any:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: [{prefix.rstrip('.')}] must be a table, got {raw!r}")
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name not in ("source", "overrides")}
    for key in raw:
        if key not in fields:
            raise ConfigError(f"{where}: unknown key '{prefix}{key}'{closest(key, fields)}: valid keys are {sorted(fields)}")
    hints = typing.get_type_hints(cls)
    values = {name: _convert(hints[name], raw[name], where, f"{prefix}{name}") for name in fields if name in raw}
    missing = [n for n, f in fields.items() if n not in values and f.default is dataclasses.MISSING
               and f.default_factory is dataclasses.MISSING]
    if missing:
        raise ConfigError(f"{where}: missing required key(s) {[prefix + m for m in missing]}")
    return cls(**values)


def _convert(hint: Any, value: Any, where: str, key: str) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, where, key + ".")
    if origin is Literal:
        if value not in args:
            raise ConfigError(f"{where}: {key} = {value!r} is not one of {list(args)}{closest(str(value), map(str, args))}")
        return value
    if origin is tuple:
        if not isinstance(value, list):
            raise ConfigError(f"{where}: {key} must be a list, got {value!r}")
        return tuple(_convert(args[0], v, where, f"{key}[{i}]") for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: {key} must be a table, got {value!r}")
        return dict(value)
    return _scalar(hint, value, where, key)


def _scalar(hint: Any, value: Any, where: str, key: str) -> Any:
    if hint is Any:
        return value
    if hint is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if hint is int and isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ConfigError(f"{where}: {key} = {value} must not be negative")
        return value
    if isinstance(value, hint):
        return value
    raise ConfigError(f"{where}: {key} = {value!r} has the wrong type: expected {hint.__name__}")


def plain(obj: Any) -> Any:
    """JSON-ready copy: tuples become lists, NumPy numbers Python numbers (via a JSON round trip)."""
    return json.loads(json.dumps(obj, default=float))

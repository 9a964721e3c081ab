"""Experiment configs: TOML files loaded into frozen dataclasses, validated with helpful errors.

Unknown or misspelled keys are errors that name the key, the file and the nearest valid key;
wrong types and out-of-range values likewise. ``--set section.key=value`` overrides are applied
before validation and recorded. ``[compare]`` states the groups every comparison uses; a comparison
metric whose params omit ``by``/``target``/``reference`` gets them from it. Relative paths are read
from the config file's folder and must stay inside the project (see :func:`resolve_paths`).

Example
-------
>>> cfg = load_experiment("experiments/state_vs_ngo.toml", overrides=["topics.n_topics=6"])  # doctest: +SKIP
>>> cfg.topics.n_topics                                                                    # doctest: +SKIP
6
"""
from __future__ import annotations

import contextlib
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

    path: str = ""                                          # "" = the bundled demo corpus
    filters: dict[str, Any] = field(default_factory=dict)   # docvar -> value or list of values
    years: tuple[int, ...] = ()                              # () = all; (first, last) inclusive
    strict: bool = False
    fetch: str = ""                                          # the command that produces a corpus not yet on disk


@dataclass(frozen=True)
class TokenizeConfig:
    """Settings passed to :func:`discourse.tokenize.tokenize`."""

    compound: Literal["none", "affix", "noun_sequence"] = "affix"
    pos: Literal["content", "all"] = "content"
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
    language: Literal["ja", "en", "all"] = "ja"           # the DTM keeps the compared documents of this language


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
    effects: str = ""                                     # covariates of topic_effects; "" = "<by> + <over>" of [compare]
    n_draws: int = 20
    n_boot: int = 500
    n_jobs: int = 1                                       # processes for select_k
    backend: Literal["gensim", "tomotopy"] = "gensim"     # tomotopy: iterations = Gibbs sweeps (use a few hundred)


@dataclass(frozen=True)
class FramingConfig:
    """Framing: codebook, gold annotations and the classifier evaluated on held-out documents."""

    enabled: bool = True
    codebook: str = ""                                   # "" = bundled codebook
    annotations: str = ""                                # "" = the bundled demo annotations
    split: str = ""                                      # "" = the bundled demo split
    tune_C: bool = True                                  # grouped CV on the training documents
    learning_curve: bool = True
    evaluate: bool = True                                # score both coders on the annotations' held-out documents
    prevalence_labels: Literal["gold", "classifier", "pretrained", "dictionary"] = "gold"
    n_boot: int = 500
    mention: str = ""                                    # term group (preset) for the framed share: "" = skip
    threat: tuple[str, ...] = ()                         # frames counted as threat in the framed share
    rebuttal: tuple[str, ...] = ()                       # frames counted as rebuttal


@dataclass(frozen=True)
class StatisticsConfig:
    """Frames and claims against the official figures (after ``[framing]``, from its frame labels):
    ``claims`` checks the numeric claims of the sentences coded with ``claim_frames`` against the
    statistics table; ``indicator`` sets the yearly prevalence of ``frames`` (by the ``[compare]``
    groups) beside that official series, correlated at ``lags``."""

    table: str = ""                                      # statistics CSV; "" = the bundled corpora/statistics/crime_figures.csv
    claims: bool = False                                 # extract and check numeric claims
    claim_frames: tuple[str, ...] = ()                   # frames whose sentences are searched for claims
    indicator: str = ""                                  # official series id; "" = no frames-vs-figures
    frames: tuple[str, ...] = ()                         # frames set beside the series; () = every frame
    year: str = "year"                                   # the docvar holding the year
    lags: tuple[int, ...] = (0, 1, 2)                    # talk of year t against the figure of t - lag
    scope_group: str = ""                                # "" = the scope group with most years

    @property
    def enabled(self) -> bool:
        return self.claims or bool(self.indicator)


@dataclass(frozen=True)
class CompareConfig:
    """The comparison of the study: documents whose docvar ``by`` is ``target`` against those whose
    value is ``reference`` (a value or a list; omitted = every other document with a value of ``by``),
    and optionally ``over`` (a docvar such as ``year``) for the tables and figures over time.

    Every stage that compares groups takes them from here; a comparison metric whose params omit
    ``by``/``target``/``reference`` gets them from here too."""

    by: str = ""                                         # "" = no comparison (comparison tables are skipped)
    target: Any = None                                   # value or list of values of `by`
    reference: Any = None                                # value or list; None = all other documents
    over: str = ""                                       # e.g. "year"

    @property
    def enabled(self) -> bool:
        return bool(self.by)

    def levels(self, name: str) -> list[Any]:
        """``target`` or ``reference`` as a list ([] when not given)."""
        value = getattr(self, name)
        return [] if value is None else list(value) if isinstance(value, (list, tuple)) else [value]

    def label(self, name: str) -> str:
        """``"state"``, ``"state+police"`` or ``"rest"`` (reference omitted), for titles and table names."""
        levels = self.levels(name)
        return "+".join(str(v) for v in levels) if levels else "rest"


@dataclass(frozen=True)
class MetricSpec:
    """One metric table: ``kind`` plus the keyword arguments of that metric function."""

    kind: str                        # a registered metric kind (see discourse.experiment.context.METRICS)
    name: str = ""
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ComputeConfig:
    """Where and how the corpus is processed (see ``docs/scale.md``).

    ``scheduler``: ``"local"`` (this process), ``"dask-local:N"`` (a Dask LocalCluster of ``N``
    worker processes, started and stopped by the run) or the address of a running Dask scheduler
    (``"tcp://host:8786"``). ``streaming``: ``"off"`` holds the corpus and its tokens in memory (the
    classic path), ``"on"`` cuts the corpus file into shards of about ``shard_bytes`` bytes that
    are tokenized and counted one by one (or in parallel on Dask) and merged, so memory does not
    grow with the corpus; ``"auto"`` streams when a Dask scheduler is given, when the corpus is a
    folder of ``part-*.jsonl`` files, or when the corpus is larger than ``stream_above_mb``
    megabytes. Documents longer than ``piece_chars`` characters are processed in pieces cut at
    sentence boundaries."""

    scheduler: str = "local"
    streaming: Literal["auto", "on", "off"] = "auto"
    shard_bytes: int = 4 << 20
    stream_above_mb: float = 64.0
    piece_chars: int = 200_000


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
    compare: CompareConfig = field(default_factory=CompareConfig)
    corpus: CorpusConfig = field(default_factory=CorpusConfig)
    tokenize: TokenizeConfig = field(default_factory=TokenizeConfig)
    dtm: DtmConfig = field(default_factory=DtmConfig)
    topics: TopicsConfig = field(default_factory=TopicsConfig)
    framing: FramingConfig = field(default_factory=FramingConfig)
    statistics: StatisticsConfig = field(default_factory=StatisticsConfig)
    metrics: tuple[MetricSpec, ...] = ()
    compute: ComputeConfig = field(default_factory=ComputeConfig)
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
    _check_removed(raw, path)
    cfg = _build(ExperimentConfig, raw, f"{path}", "")
    check_name(cfg.name, str(path))
    check_ranges(cfg, str(path))
    check_metric_params(cfg, str(path))
    cfg = with_compare_defaults(cfg)
    cfg = resolve_paths(cfg, path)
    return dataclasses.replace(cfg, source=str(path), overrides=tuple(overrides))


REMOVED = {("dtm", "sides"): "the document-term matrix keeps the documents of [compare] (by, target, reference): "
                             "delete dtm.sides and state the comparison in [compare]"}


def _check_removed(raw: dict[str, Any], path: Path) -> None:
    for (section, key), fix in REMOVED.items():
        if isinstance(raw.get(section), dict) and key in raw[section]:
            raise ConfigError(f"{path}: {section}.{key} is no longer a key: {fix}")


def check_name(name: str, where: str) -> None:
    """``name`` becomes a folder under ``outputs.dir``: a plain name, never a path."""
    import re

    if not re.fullmatch(r"[A-Za-z0-9\u3040-\u30ff\u4e00-\u9fff][\w.\-\u3040-\u30ff\u4e00-\u9fff]*", name) or ".." in name:
        raise ConfigError(f"{where}: name = {name!r} is not a plain name: the run folder is <outputs.dir>/<name>, so use "
                          "letters, digits, '_', '-' and '.' only (no '/', no '..'), e.g. name = \"state_vs_ngo\"")


#: the keyword arguments a comparison takes from [compare] when a metric spec omits them
COMPARE_KEYS = ("by", "target", "reference")


def with_compare_defaults(cfg: ExperimentConfig) -> ExperimentConfig:
    """Fill ``by`` / ``target`` / ``reference`` of each comparison metric from ``[compare]`` when its
    params omit them (only those the metric function accepts; explicit params always win)."""
    import inspect

    from .context import metric_kinds

    if not cfg.compare.enabled:
        return cfg
    specs = []
    for spec in cfg.metrics:
        accepted = inspect.signature(metric_kinds()[spec.kind].func).parameters
        params = dict(spec.params)
        for key in COMPARE_KEYS:
            value = getattr(cfg.compare, key)
            if key in accepted and key not in params and value is not None and value != "":
                if key != "by" and "by" in spec.params and spec.params["by"] != cfg.compare.by:
                    continue                               # levels of another docvar: not ours to fill
                params[key] = value
        specs.append(dataclasses.replace(spec, params=params))
    return dataclasses.replace(cfg, metrics=tuple(specs))


#: config keys that are file or folder paths: resolved from the config file's folder
PATH_KEYS = (("corpus", "path"), ("framing", "codebook"), ("framing", "annotations"), ("framing", "split"),
             ("statistics", "table"), ("outputs", "dir"))
#: the bundled file an empty path stands for
BUNDLED = {("corpus", "path"): ("demo",), ("framing", "annotations"): ("demo", "annotations", "gold.jsonl"),
           ("framing", "split"): ("demo", "annotations", "split.csv")}
PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")


def project_root(config_file: Path) -> Path:
    """The nearest folder at or above the config's folder that holds a project marker
    (``pyproject.toml``, ``setup.cfg``, ``setup.py``, ``.git``); else the config's own folder."""
    folder = config_file.resolve().parent
    for candidate in (folder, *folder.parents):
        if any((candidate / m).exists() for m in PROJECT_MARKERS):
            return candidate
    return folder


def allowed_roots(config_file: Path) -> list[Path]:
    """Folders a config's paths may point into: the project of the config file, the bundled data
    folder and the folders listed in ``$DISCOURSE_PATHS`` (separated by ``os.pathsep``)."""
    import os

    from ..resources import corpora_dir

    roots = [project_root(config_file)]
    with _suppress_config_error():
        roots.append(corpora_dir().resolve())
    roots += [Path(p).expanduser().resolve() for p in os.environ.get("DISCOURSE_PATHS", "").split(os.pathsep) if p]
    return roots


def resolve_paths(cfg: ExperimentConfig, config_file: Path) -> ExperimentConfig:
    """Relative paths resolve from the config file's folder; every path must lie inside
    :func:`allowed_roots` (``outputs.dir = "../../etc"`` is an error). Empty paths stand for the
    bundled demo data. Returns the config with absolute paths."""
    from ..resources import corpora_dir

    base, roots = config_file.resolve().parent, allowed_roots(config_file)
    sections: dict[str, dict[str, str]] = {}
    for section, key in PATH_KEYS:
        value = getattr(getattr(cfg, section), key)
        if value == "":
            if (section, key) not in BUNDLED:
                continue
            with _suppress_config_error():
                value = str(corpora_dir().joinpath(*BUNDLED[(section, key)]))
        path = (base / Path(value).expanduser()).resolve()
        if not any(path == r or r in path.parents for r in roots):
            raise ConfigError(f"{config_file}: {section}.{key} = {value!r} resolves to {path}, outside the project "
                              f"{roots[0]} (relative paths are read from the config file's folder {base}): "
                              "give a path inside the project, or add its folder to the DISCOURSE_PATHS environment variable")
        sections.setdefault(section, {})[key] = str(path)
    changes = {name: dataclasses.replace(getattr(cfg, name), **values) for name, values in sections.items()}
    return dataclasses.replace(cfg, **changes)


@contextlib.contextmanager
def _suppress_config_error():
    try:
        yield
    except ConfigError:
        pass


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
    check_compute(cfg.compute, where)


def check_compute(c: ComputeConfig, where: str) -> None:
    """``[compute]``: a scheduler spec that parses, positive shard and piece sizes."""
    from ..compute import Scheduler

    try:
        Scheduler.parse(c.scheduler)
    except ConfigError as exc:
        raise ConfigError(f"{where}: compute.{exc}") from None
    _require(c.shard_bytes >= 1024, where, "compute.shard_bytes", c.shard_bytes,
             "give a shard size of at least 1024 bytes (e.g. 16777216 for 16 MB)")
    _require(c.stream_above_mb > 0, where, "compute.stream_above_mb", c.stream_above_mb, "give a positive size in MB")
    _require(c.piece_chars >= 1000, where, "compute.piece_chars", c.piece_chars,
             "give at least 1000 characters per piece of a long document")


def check_metric_params(cfg: ExperimentConfig, where: str) -> None:
    """Each ``[[metrics]]`` entry: a registered kind; params that are keyword arguments of that metric
    function (the tokens argument of the token metrics is supplied by the run); values of ``Literal``
    options among their choices (``measure = "G3"`` is an error naming the valid measures)."""
    import inspect

    from .context import metric_kinds

    kinds = metric_kinds()
    for n, spec in enumerate(cfg.metrics):
        if spec.kind not in kinds:
            raise ConfigError(f"{where}: metrics[{n}].kind = {spec.kind!r} is not one of {sorted(kinds)}"
                              f"{closest(spec.kind, kinds)}")
        kind = kinds[spec.kind]
        params = list(inspect.signature(kind.func).parameters)
        valid = params[1:] if kind.needs_tokens else params
        hints = param_hints(kind.func)
        for key, value in spec.params.items():
            if key not in valid:
                raise ConfigError(f"{where}: unknown key 'metrics[{n}].params.{key}' for {spec.kind}{closest(key, valid)}: "
                                  f"valid keys are {valid}")
            choices = literal_choices(hints.get(key))
            if choices and value not in choices:
                raise ConfigError(f"{where}: metrics[{n}].params.{key} = {value!r} ({spec.kind} {spec.name!r}) is not one "
                                  f"of {choices}{closest(str(value), map(str, choices))}")


def param_hints(func: Any) -> dict[str, Any]:
    """Resolved type hints of ``func``'s parameters (one at a time, so an unresolvable forward
    reference such as ``'Tokens'`` leaves only that parameter without a hint)."""
    import inspect

    out = {}
    namespace = {**getattr(func, "__globals__", {}), "Literal": Literal}
    for name, p in inspect.signature(func).parameters.items():
        ann = p.annotation
        if isinstance(ann, str):
            try:
                ann = eval(ann, namespace)  # noqa: S307 (annotations of our own functions)
            except Exception:  # noqa: BLE001 - forward references to names only imported for typing
                continue
        out[name] = ann
    return out


def literal_choices(hint: Any) -> list[Any]:
    """The choices of a ``Literal[...]`` hint, also inside ``X | None`` / ``Optional``; [] otherwise."""
    if hint is None:
        return []
    if typing.get_origin(hint) is Literal:
        return list(typing.get_args(hint))
    out: list[Any] = []
    for arg in typing.get_args(hint):
        out += literal_choices(arg) if typing.get_origin(arg) is Literal else []
    if out and type(None) in typing.get_args(hint):
        out.append(None)
    return out


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

"""The run context: what the stages of one run share (config, run folder, results, timings,
input checksums, stage-cache hits), and the registry that names the stages.

A stage is a named function ``stage(ctx, section)`` taking the run :class:`Context` and its own
typed config section (a frozen dataclass of :mod:`discourse.experiment.config`). Stages and metric
kinds are looked up in one table each (:data:`STAGES`, :data:`METRICS`), so ``validate`` can check
a config against them before any work, and a new analysis is a registration, not an edit of the
runner:

>>> @register_stage("my_stage", section="topics", after="topics")         # doctest: +SKIP
... def my_stage(ctx: Context, cfg: TopicsConfig) -> None: ...
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .rundir import RunDir

if TYPE_CHECKING:  # only for annotations: config imports this module's registry lazily
    from .config import ExperimentConfig

StageFn = Callable[["Context", Any], None]
Check = Callable[["ExperimentConfig", Any], list[str]]


@dataclass
class Context:
    """What the stages share while a run is in progress."""

    cfg: ExperimentConfig
    run: RunDir | None
    progress: bool = False
    results: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)
    cache_hits: dict[str, bool] = field(default_factory=dict)
    measures: dict[str, float] = field(default_factory=dict)   # e.g. shards, workers' peak memory
    warnings: list[str] = field(default_factory=list)

    def table(self, name: str, df) -> None:
        """Write ``tables/<name>.csv`` and keep the frame for the report."""
        self.run.write_table(name, df, bom=self.cfg.outputs.csv_bom)
        self.results.setdefault("tables", {})[name] = df

    def add_input(self, path: str | Path) -> None:
        """Record the sha256 of a file, or of every file under a folder (each file read once per run)."""
        p = Path(path)
        files = sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else [p]
        for f in files:
            if str(f) not in self.inputs:
                digest = hashlib.sha256()
                with f.open("rb") as fh:                     # in blocks: a corpus file may be GBs
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        digest.update(block)
                self.inputs[str(f)] = digest.hexdigest()


@dataclass(frozen=True)
class Stage:
    """One registered stage: its name, function, the config section it reads (``None``: the whole
    config), when it runs, and the checks ``validate`` makes for it before any work."""

    name: str
    func: StageFn
    section: str | None = None
    enabled: Callable[[ExperimentConfig], bool] = lambda cfg: True
    checks: tuple[Check, ...] = ()

    def params(self, cfg: ExperimentConfig) -> Any:
        """The stage's typed parameters: its config section (or the whole config)."""
        return cfg if self.section is None else getattr(cfg, self.section)


#: the stages of a run, in run order
STAGES: dict[str, Stage] = {}


def register_stage(name: str, *, section: str | None = None, after: str | None = None,
                   enabled: Callable[[ExperimentConfig], bool] | None = None) -> Callable[[StageFn], StageFn]:
    """Decorator: register ``func`` as the stage ``name`` (placed after the stage ``after``, else last)."""
    def register(func: StageFn) -> StageFn:
        stage = Stage(name, func, section, enabled or (lambda cfg: True))
        items = [(k, v) for k, v in STAGES.items() if k != name]
        at = len(items) if after is None else [k for k, _ in items].index(after) + 1
        items.insert(at, (name, stage))
        STAGES.clear()
        STAGES.update(items)
        return func
    return register


def register_check(stage: str) -> Callable[[Check], Check]:
    """Decorator: add a validation ``check(cfg, corpus) -> lines`` to a registered stage. A check
    raises :class:`~discourse.errors.ConfigError` for what the run would fail on."""
    def register(check: Check) -> Check:
        s = STAGES[stage]
        STAGES[stage] = Stage(s.name, s.func, s.section, s.enabled, s.checks + (check,))
        return check
    return register


@dataclass(frozen=True)
class MetricKind:
    """A ``[[metrics]]`` kind: the function (``discourse.metrics.<kind>``), whether it reads the
    run's tokens as its first argument, and for a function that returns an object rather than a
    table (a network, a correspondence analysis, a clustering), ``tables``: ``result -> {suffix:
    DataFrame}``, the tables written for it (``""`` = the main table ``<kind>_<name>``, others
    ``<kind>_<name>_<suffix>``; the object itself is kept for the report)."""

    name: str
    func: Callable[..., Any]
    needs_tokens: bool = True
    tables: Callable[[Any], dict[str, Any]] | None = None


#: the ``[[metrics]]`` kinds
METRICS: dict[str, MetricKind] = {}


def register_metric(name: str, func: Callable[..., Any], *, needs_tokens: bool = True,
                    tables: Callable[[Any], dict[str, Any]] | None = None) -> MetricKind:
    """Make ``func`` available as ``[[metrics]] kind = "<name>"`` (``tables``: see :class:`MetricKind`)."""
    METRICS[name] = MetricKind(name, func, needs_tokens, tables)
    return METRICS[name]


def metric_kinds() -> dict[str, MetricKind]:
    """The registered metric kinds (the bundled ones registered on first use; a kind registered by
    the user under a bundled name keeps the user's function)."""
    if not _BUNDLED:
        from .. import metrics

        for kind in ("keyness", "collocations", "kwic", "cooccurrence", "crime_figures", "frequency", "term_trends",
                     "keyness_over"):
            METRICS.setdefault(kind, MetricKind(kind, getattr(metrics, kind), kind != "crime_figures"))
        for kind, (func, tables) in _analysis_kinds().items():
            METRICS.setdefault(kind, MetricKind(kind, func, True, tables))
        _BUNDLED.append(True)
    return METRICS


_BUNDLED: list[bool] = []


def _analysis_kinds() -> dict[str, tuple[Callable[..., Any], Callable[[Any], dict[str, Any]]]]:
    """The kinds whose function returns an object (or a table with side tables): kind -> (function,
    tables)."""
    from ..metrics.clustering import Clustering, cluster_terms
    from ..metrics.correspondence import CA, correspondence_terms
    from ..metrics.frequency import dispersion_positions, dispersion_tables
    from ..metrics.network import Network, cooccurrence_network

    return {"network": (cooccurrence_network, Network.tables), "correspondence": (correspondence_terms, CA.tables),
            "clustering": (cluster_terms, Clustering.tables), "dispersion": (dispersion_positions, dispersion_tables)}

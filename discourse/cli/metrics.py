"""``discourse keyness | kwic | collocations``: the metrics on a corpus, written as CSV.

    discourse keyness --by side --target state [--reference ngo] [--measure G2] -o keyness.csv
    discourse kwic 来日外国人 --window 5 [--valuetype glob|regex | --regex] -o kwic.csv
    discourse collocations 外国人 [--by side] -o collocates.csv

    discourse metrics network [--by side --target state] [--unit document] -o nodes.csv --edges edges.csv \
        --figure net.png --html net.html
    discourse metrics ca --by side [--n-terms 60] -o coordinates.csv --inertia inertia.csv --figure ca.png
    discourse metrics ca --table counts.csv -o coordinates.csv          (any count table: rows x columns)
    discourse metrics cluster [--items terms|documents] [--n-clusters 5] -o leaves.csv --figure dendrogram.png
    discourse metrics dispersion 外国人 犯罪 [--by side] [--over year] -o positions.csv --figure dispersion.png
    discourse metrics claims [--labels labels.csv] [--frames statistical_threat ...] -o claims.csv

Each reads a corpus (default: the bundled demo corpus), tokenizes it with the default settings
(cached) and writes a tidy table to ``-o FILE.csv`` (or prints the first rows); ``--figure FILE.png``
draws the analysis's figure. Comparisons name their groups: ``--by`` and ``--target`` have no
default. Exit 3 when corpus lines were skipped.
"""
from __future__ import annotations

import argparse
import re
import sys
from typing import TYPE_CHECKING

from ..errors import ConfigError
from .common import OK, add_allow_skipped, check_output_file, read_corpus_arg, report_skipped, write_table

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..tokens import Tokens

MEASURES = ["G2", "chi2", "pmi", "log_ratio", "pct_diff", "fightin"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``keyness``, ``kwic`` and ``collocations``."""
    p = sub.add_parser("keyness", help="keyness of one group of documents against another (CSV)")
    _common(p)
    p.add_argument("--by", required=True, help="the docvar that defines the groups, e.g. side, actor, year")
    p.add_argument("--target", required=True, nargs="+", help="value(s) of --by selecting the target documents")
    p.add_argument("--reference", default=None, nargs="+", help="value(s) of the reference (default: all other documents)")
    p.add_argument("--measure", default="G2", choices=MEASURES)
    p.set_defaults(func=cmd_keyness)
    p = sub.add_parser("kwic", help="key word in context lines with character offsets (CSV)")
    _common(p)
    p.add_argument("pattern", help="a term, a glob (with --valuetype glob), a regex, or a phrase '来日 外国人'")
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--valuetype", default="fixed", choices=["fixed", "glob", "regex"])
    p.add_argument("--regex", dest="valuetype", action="store_const", const="regex", help="same as --valuetype regex")
    p.add_argument("--sort-by", default=None, choices=["left", "right", "keyword"])
    p.set_defaults(func=cmd_kwic)
    p = sub.add_parser("collocations", help="collocates of a node term within a window (CSV)")
    _common(p)
    p.add_argument("node")
    p.add_argument("--window", type=int, nargs=2, default=[5, 5], metavar=("LEFT", "RIGHT"))
    p.add_argument("--by", default=None, help="a docvar: one table per value (column group)")
    p.add_argument("--min-count", type=int, default=2)
    p.set_defaults(func=cmd_collocations)
    _add_analyses(sub)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--corpus", default=None, help="corpus .jsonl or folder (default: the bundled demo corpus)")
    p.add_argument("-o", "--output", default=None, help="CSV file to write (UTF-8)")
    p.add_argument("--bom", action="store_true", help="write UTF-8 with BOM (Excel on Japanese Windows)")
    p.add_argument("--language", default=None, choices=["ja", "en"], help="only documents in this language")
    add_allow_skipped(p)


def _tokens(args: argparse.Namespace) -> tuple["Tokens", int]:
    """Check ``-o`` first, then read, filter and tokenize the corpus; also the number of skipped items."""
    from ..tokenize import tokenize

    if args.output:
        check_output_file(args.output)
    corpus = read_corpus_arg(args.corpus)
    skipped = len(corpus.problems)
    if args.language:
        corpus = corpus.subset(language=args.language)
    return tokenize(corpus, progress=sys.stderr.isatty()), skipped


def _emit(df: "pd.DataFrame", args: argparse.Namespace, skipped: int) -> int:
    if args.output:
        write_table(df, args.output, bom=args.bom)
        print(f"wrote {len(df)} rows to {args.output}")
    elif df.empty:
        print("no rows: nothing matched")
    else:
        print(df.head(30).to_string(index=False))
        if len(df) > 30:
            print(f"... {len(df) - 30} more rows: write them all with -o FILE.csv")
    return report_skipped(skipped, f"item(s) of the corpus {args.corpus or 'demo'}", allow=args.allow_skipped) \
        if skipped else OK


def _one_or_list(values: list[str] | None) -> str | list[str] | None:
    return values[0] if values and len(values) == 1 else values


def cmd_keyness(args: argparse.Namespace) -> int:
    """Keyness of ``--target`` against ``--reference`` (all others by default)."""
    from ..metrics import keyness

    tokens, skipped = _tokens(args)
    table = keyness(tokens, by=args.by, target=_one_or_list(args.target), reference=_one_or_list(args.reference),
                    measure=args.measure)
    return _emit(table, args, skipped)


def check_regex(pattern: str) -> None:
    """Raise :class:`ConfigError` naming ``pattern`` and ``re``'s message when it does not compile."""
    try:
        re.compile(pattern)
    except re.error as exc:
        where = f" at position {exc.pos}" if exc.pos is not None else ""
        raise ConfigError(f"kwic pattern {pattern!r} is not a valid regular expression: {exc.msg}{where}: "
                          "fix it, or use --valuetype fixed for the literal text") from None


def cmd_kwic(args: argparse.Namespace) -> int:
    """Concordance lines of a term, glob, regex or phrase."""
    from ..metrics import kwic

    phrase = " " in args.pattern.strip()
    if args.valuetype == "regex":
        for part in args.pattern.split() if phrase else [args.pattern]:
            check_regex(part)
    tokens, skipped = _tokens(args)
    table = kwic(tokens, args.pattern, window=args.window, valuetype=args.valuetype, phrase=phrase, sort_by=args.sort_by)
    return _emit(table, args, skipped)


def cmd_collocations(args: argparse.Namespace) -> int:
    """Collocates of the node within the window (per ``--by`` group when given)."""
    from ..metrics import collocations

    tokens, skipped = _tokens(args)
    table = collocations(tokens, args.node, window=tuple(args.window), by=args.by, min_count=args.min_count)
    return _emit(table, args, skipped)


# --- discourse metrics ANALYSIS ----------------------------------------------------------------------
def _add_analyses(sub: argparse._SubParsersAction) -> None:
    """``discourse metrics network|ca|cluster|dispersion|claims``."""
    p = sub.add_parser("metrics", help="analyses: co-occurrence network, correspondence analysis, clustering, "
                                       "dispersion plot, claims checked against the official figures")
    verbs = p.add_subparsers(dest="analysis", metavar="ANALYSIS", required=True)
    p = verbs.add_parser("network", help="co-occurrence network of terms: nodes CSV, edges CSV, PNG, interactive HTML")
    _common(p)
    _comparison(p)
    p.add_argument("--unit", default="sentence", choices=["sentence", "document"])
    p.add_argument("--measure", default="jaccard", choices=["jaccard", "dice", "cosine", "count"])
    p.add_argument("--min-freq", type=int, default=2, help="a node occurs in at least this many units")
    p.add_argument("--top-edges", type=int, default=60, help="keep the strongest edges")
    p.add_argument("--color-by", default="community", choices=["community", "group"], help="group: needs --by/--target")
    p.add_argument("--edges", default=None, help="CSV file for the edges table (-o writes the nodes)")
    p.add_argument("--html", default=None, help="interactive, self-contained HTML page")
    _figure(p)
    p.set_defaults(func=cmd_network)
    p = verbs.add_parser("ca", help="correspondence analysis of terms x groups, or of a count table (CSV, biplot)")
    _common(p)
    p.add_argument("--by", default=None, help="the docvar whose levels are the columns (terms x levels)")
    p.add_argument("--n-terms", type=int, default=60, help="the most frequent terms as rows")
    p.add_argument("--table", default=None, help="a count table CSV instead of a corpus: first column = row labels")
    p.add_argument("--inertia", default=None, help="CSV file for the principal inertias")
    _figure(p)
    p.set_defaults(func=cmd_ca)
    p = verbs.add_parser("cluster", help="hierarchical clustering of terms or documents (CSV, dendrogram)")
    _common(p)
    p.add_argument("--items", default="terms", choices=["terms", "documents"])
    p.add_argument("--n-terms", type=int, default=50, help="terms: the most frequent terms")
    p.add_argument("--method", default="ward", choices=["ward", "average", "complete", "single"])
    p.add_argument("--metric", default=None, choices=["jaccard", "cosine", "euclidean", "correlation", "cityblock"],
                   help="default: jaccard for terms, euclidean for documents")
    p.add_argument("--unit", default="document", choices=["sentence", "document"], help="terms: co-occurrence unit")
    p.add_argument("--n-clusters", type=int, default=None, help="cut the tree into this many clusters")
    _figure(p)
    p.set_defaults(func=cmd_cluster)
    p = verbs.add_parser("dispersion", help="where terms occur across documents and time (positions CSV, plot)")
    _common(p)
    p.add_argument("terms", nargs="+")
    p.add_argument("--by", default=None, help="one panel per level of this docvar")
    p.add_argument("--over", default="year", help="order documents by this docvar ('' = input order)")
    _figure(p)
    p.set_defaults(func=cmd_dispersion)
    p = verbs.add_parser("frequency", help="frequency list of words or n-grams with document frequency and dispersion (CSV)")
    _common(p)
    p.add_argument("--by", default=None, help="one list per level of this docvar")
    p.add_argument("--n", type=int, default=1, help="n-gram length (1 = words)")
    p.add_argument("--min-count", type=int, default=1)
    p.set_defaults(func=cmd_frequency)
    p = verbs.add_parser("trends", help="terms over time: frequency per 10,000 tokens by period with intervals (CSV, plot)")
    _common(p)
    p.add_argument("terms", nargs="+")
    p.add_argument("--over", default="year", help="the period docvar")
    p.add_argument("--by", default=None, help="one line per level of this docvar")
    _bootstrap(p, 1000)
    _figure(p)
    p.set_defaults(func=cmd_trends)
    p = verbs.add_parser("keyness-over", help="keyness of each period against all other periods (CSV)")
    _common(p)
    p.add_argument("--over", default="year", help="the period docvar")
    p.add_argument("--measure", default="G2", choices=MEASURES)
    p.add_argument("--min-count", type=int, default=5)
    p.add_argument("--n-top", type=int, default=20, help="the top terms of each period")
    p.set_defaults(func=cmd_keyness_over)
    p = verbs.add_parser("figures", help="frame prevalence by year beside an official series, lagged correlations (CSV, plot)")
    _common(p)
    p.add_argument("--indicator", required=True, help="official series id of the statistics table, e.g. raini_penal_persons")
    p.add_argument("--frames", nargs="+", default=None, help="frames set beside the series (default: every frame)")
    p.add_argument("--labels", default=None, help="sentence labels (CSV from `discourse frames code`, or gold .jsonl); "
                                                  "default: the shipped classifier codes the corpus")
    p.add_argument("--by", default=None, help="one series per level of this docvar (e.g. side)")
    p.add_argument("--lags", type=int, nargs="+", default=[0, 1, 2])
    _official(p, "the docvar holding the document's year")
    _bootstrap(p, 500)
    _figure(p)
    p.set_defaults(func=cmd_figures)
    p = verbs.add_parser("claims", help="numeric claims checked against the official figures (CSV)")
    _common(p)
    p.add_argument("--labels", default=None, help="sentence labels (CSV from `discourse frames code`, or gold .jsonl); "
                                                  "default with --frames: the shipped classifier codes the corpus")
    p.add_argument("--frames", nargs="+", default=None, help="only sentences coded with one of these frames "
                                                             "(default: every sentence)")
    _official(p, "the docvar holding the document's year (for 今年 / 昨年)")
    p.set_defaults(func=cmd_claims)


def _comparison(p: argparse.ArgumentParser) -> None:
    p.add_argument("--by", default=None, help="the docvar of the groups (with --target: colour by over-using group)")
    p.add_argument("--target", default=None, nargs="+", help="value(s) of --by")
    p.add_argument("--reference", default=None, nargs="+", help="value(s) of the reference (default: all others)")


def _bootstrap(p: argparse.ArgumentParser, n_boot: int) -> None:
    p.add_argument("--n-boot", type=int, default=n_boot, help="document-bootstrap resamples")
    p.add_argument("--seed", type=int, default=0)


def _official(p: argparse.ArgumentParser, year_help: str) -> None:
    """``--table`` (the official figures) and ``--year`` (the docvar of each document's year)."""
    p.add_argument("--table", default=None, help="statistics CSV (default: the bundled corpora/statistics table)")
    p.add_argument("--year", default="year", help=year_help)


def _statistics_table(args: argparse.Namespace) -> "pd.DataFrame":
    """The statistics table of ``--table`` (checked), else the bundled one."""
    from pathlib import Path

    from ..metrics.crime_figures import load_statistics

    if args.table and not Path(args.table).is_file():
        raise ConfigError(f"--table {args.table}: no such file: give a statistics CSV shaped like corpora/statistics/crime_figures.csv")
    return load_statistics(args.table)


def _figure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--figure", default=None, help="PNG file for the figure")


def _outputs(args: argparse.Namespace, *options: str) -> None:
    """Check every output file option before any work."""
    for option in options:
        value = getattr(args, option.lstrip("-").replace("-", "_"), None)
        if value:
            check_output_file(value, option)


def _save_figure(fig, path: str | None) -> None:
    if path:
        from ..report import figures

        figures.save(fig, path)
        print(f"figure -> {path}")


def _write_extra(df: "pd.DataFrame", path: str | None, args: argparse.Namespace, what: str) -> None:
    if path:
        write_table(df, path, bom=args.bom)
        print(f"wrote {len(df)} {what} rows to {path}")


def cmd_network(args: argparse.Namespace) -> int:
    """Co-occurrence network: nodes (``-o``), edges (``--edges``), PNG (``--figure``), HTML (``--html``)."""
    from pathlib import Path

    from ..metrics.network import cooccurrence_network, network_html, plot_network

    _outputs(args, "--edges", "--figure", "--html")
    if args.color_by == "group" and not (args.by and args.target):
        raise ConfigError("--color-by group needs --by and --target (the groups whose over-use colours the nodes)")
    tokens, skipped = _tokens(args)
    net = cooccurrence_network(tokens, unit=args.unit, measure=args.measure, min_freq=args.min_freq, top_edges=args.top_edges,
                               by=args.by if args.target else None, target=_one_or_list(args.target),
                               reference=_one_or_list(args.reference))
    _write_extra(net.edges, args.edges, args, "edge")
    if args.figure:
        _save_figure(plot_network(net, color_by=args.color_by), args.figure)
    if args.html:
        Path(args.html).write_text(network_html(net, color_by=args.color_by), encoding="utf-8")
        print(f"interactive network -> {args.html}")
    return _emit(net.nodes, args, skipped)


def cmd_ca(args: argparse.Namespace) -> int:
    """Correspondence analysis: coordinates (``-o``), inertias (``--inertia``), biplot (``--figure``)."""
    from ..metrics.correspondence import correspondence, correspondence_terms, plot_biplot

    _outputs(args, "--inertia", "--figure")
    if (args.table is None) == (args.by is None):
        raise ConfigError("discourse metrics ca: give --by (terms x the levels of a docvar of the corpus) or --table "
                          "(a count table CSV), not both and not neither")
    if args.table:
        if args.output:
            check_output_file(args.output)
        ca, skipped = correspondence(_count_table(args.table)), 0
    else:
        tokens, skipped = _tokens(args)
        ca = correspondence_terms(tokens, by=args.by, n_terms=args.n_terms)
    print(ca)
    _write_extra(ca.inertia, args.inertia, args, "inertia")
    if args.figure:
        _save_figure(plot_biplot(ca), args.figure)
    return _emit(ca.coordinates(), args, skipped)


def _count_table(path: str) -> "pd.DataFrame":
    """A count table CSV: the first column holds the row labels, the header the column labels."""
    import pandas as pd

    from pathlib import Path

    if not Path(path).is_file():
        raise ConfigError(f"--table {path}: no such file: give a CSV whose first column holds the row labels")
    return pd.read_csv(path, index_col=0)


def cmd_cluster(args: argparse.Namespace) -> int:
    """Hierarchical clustering: leaves in dendrogram order with clusters (``-o``), dendrogram (``--figure``)."""
    from ..metrics.clustering import cluster_documents, cluster_terms, plot_dendrogram

    _outputs(args, "--figure")
    tokens, skipped = _tokens(args)
    if args.items == "terms":
        result = cluster_terms(tokens, n_terms=args.n_terms, method=args.method, metric=args.metric or "jaccard",
                               unit=args.unit, n_clusters=args.n_clusters)
    else:
        result = cluster_documents(tokens, method=args.method, metric=args.metric or "euclidean", n_clusters=args.n_clusters)
    if args.figure:
        _save_figure(plot_dendrogram(result), args.figure)
    return _emit(result.leaves(), args, skipped)


def cmd_dispersion(args: argparse.Namespace) -> int:
    """Positions of the terms across the documents (``-o``) and the dispersion plot (``--figure``)."""
    from ..metrics.frequency import dispersion_positions
    from ..report.plots_analyses import plot_dispersion

    _outputs(args, "--figure")
    tokens, skipped = _tokens(args)
    positions = dispersion_positions(tokens, args.terms, by=args.by, over=args.over or None)
    for term in positions.attrs["missing"]:
        print(f"note: {term!r} does not occur in the tokens (check its spelling or the compounds)", file=sys.stderr)
    if args.figure:
        _save_figure(plot_dispersion(positions, title="分散プロット"), args.figure)
    return _emit(positions, args, skipped)


def cmd_claims(args: argparse.Namespace) -> int:
    """Numeric claims of the corpus's sentences (or of those coded with ``--frames``) checked
    against the official figures."""
    from ..experiment.analyses import claims_checked
    from ..experiment.config import StatisticsConfig

    if args.output:
        check_output_file(args.output)
    statistics = _statistics_table(args)
    corpus = read_corpus_arg(args.corpus)
    skipped = len(corpus.problems)
    if args.language:
        corpus = corpus.subset(language=args.language)
    labels = _claim_labels(args, corpus)
    cfg = StatisticsConfig(claims=True, claim_frames=tuple(args.frames or ()), year=args.year)
    table = claims_checked(labels, corpus.docvars, corpus, cfg, statistics)
    counts = table["status"].value_counts()
    print(f"{len(table)} claims: " + ", ".join(f"{k} {int(counts.get(k, 0))}" for k in ("matches", "differs", "no_figure")))
    return _emit(table, args, skipped)


def _claim_labels(args: argparse.Namespace, corpus, *, code: bool | None = None) -> "pd.DataFrame":
    """Sentence labels: ``--labels`` (CSV or gold .jsonl), else the shipped classifier's codes (with
    ``--frames``, or ``code=True``), else the corpus's sentences without labels."""
    import pandas as pd

    from pathlib import Path

    if args.labels:
        if not Path(args.labels).is_file():
            raise ConfigError(f"--labels {args.labels}: no such file: give the CSV of `discourse frames code` or a gold .jsonl")
        if args.labels.endswith(".jsonl"):
            from ..framing.data import load_gold

            labels = load_gold(args.labels)
        else:
            labels = pd.read_csv(args.labels)
        keep = set(corpus.doc_ids)
        return labels[labels["doc_id"].isin(keep)].reset_index(drop=True)
    if args.frames if code is None else code:
        from ..framing import FramingClassifier

        return FramingClassifier.pretrained().code_corpus(corpus).labels
    from ..framing.data import corpus_sentences

    return corpus_sentences(corpus)


def cmd_frequency(args: argparse.Namespace) -> int:
    """Frequency list (words or n-grams) with document frequency and dispersion."""
    from .. import metrics

    _outputs(args)
    tokens, skipped = _tokens(args)
    return _emit(metrics.frequency(tokens, by=args.by, n=args.n, min_count=args.min_count), args, skipped)


def cmd_trends(args: argparse.Namespace) -> int:
    """Terms over time (``-o``) and their plot (``--figure``)."""
    from .. import metrics

    _outputs(args, "--figure")
    tokens, skipped = _tokens(args)
    table = metrics.term_trends(tokens, args.terms, over=args.over, by=args.by, n_boot=args.n_boot, random_state=args.seed)
    if args.figure:
        from ..report.plots_analyses import plot_trends

        _save_figure(plot_trends(table), args.figure)
    return _emit(table, args, skipped)


def cmd_keyness_over(args: argparse.Namespace) -> int:
    """Keyness of each period against the others."""
    from .. import metrics

    _outputs(args)
    tokens, skipped = _tokens(args)
    table = metrics.keyness_over(tokens, over=args.over, measure=args.measure, min_count=args.min_count, n_top=args.n_top)
    return _emit(table, args, skipped)


def cmd_figures(args: argparse.Namespace) -> int:
    """Frame prevalence by year (and ``--by``) beside an official series, with lagged correlations
    and the warning on what a dozen yearly points can show."""
    from ..experiment.analyses import frames_beside_figures
    from ..experiment.config import StatisticsConfig

    _outputs(args, "--figure")
    statistics = _statistics_table(args)
    corpus = read_corpus_arg(args.corpus)
    skipped = len(corpus.problems)
    if args.language:
        corpus = corpus.subset(language=args.language)
    if args.year not in corpus.docvars.columns:
        raise ConfigError(f"--year {args.year}: the corpus has no such docvar: name the docvar holding each document's year")
    labels = _claim_labels(args, corpus, code=True)
    frames = list(args.frames) if args.frames else [c for c in labels.columns if c not in _LABEL_COLUMNS]
    cfg = StatisticsConfig(indicator=args.indicator, frames=tuple(frames), year=args.year, lags=tuple(args.lags))
    vs = frames_beside_figures(labels, corpus.docvars, cfg, statistics, frames=frames, by=args.by,
                               levels=None, n_boot=args.n_boot, seed=args.seed)
    if args.figure:
        from ..report.plots_analyses import plot_frames_vs_figures

        _save_figure(plot_frames_vs_figures(vs.attrs["series"], group=args.by), args.figure)
    print(vs.loc[vs["n"].idxmax(), "warning"] if len(vs) else "no year has both a prevalence and a figure", file=sys.stderr)
    return _emit(vs, args, skipped)


_LABEL_COLUMNS = {"doc_id", "sentence", "start", "end", "text", "language", "order", "sha256", "side"}

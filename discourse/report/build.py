"""Compose the run report from the results of the stages (each section only if its result exists)."""
from __future__ import annotations

import functools
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from . import figures
from . import interactive
from .html import Report, kwic_html

KWIC_TERMS_PER_TABLE = 8


def build_report(results: dict[str, Any], run_dir: Path, *, title: str, subtitle: str, write_figures: bool = True,
                 compare: Any = None) -> Report:
    """Sections in reading order; figures are written to ``figures/`` and embedded. ``compare`` (the
    ``[compare]`` section) names the groups in texts and titles; colours follow ``results["levels"]``.
    Characters no figure font can draw are listed in ``report.warnings``."""
    report = Report(title, subtitle)
    report.colors = figures.level_colors(results.get("levels", []))
    fig_dir = run_dir / "figures"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", figures.MissingGlyphWarning)
        _sections(report, results, fig_dir if write_figures else None, compare)
    report.warnings += [str(w.message) for w in caught if issubclass(w.category, figures.MissingGlyphWarning)]
    if report.warnings:
        notes = report.section("notes", "注記 (notes)")
        notes.paragraphs += ["Figures: " + w for w in report.warnings]
    return report


def _sections(report: Report, results: dict[str, Any], fig_dir: Path | None, compare: Any) -> None:
    _headline(report, results)
    _overview(report, results, compare)
    objects = results.get("metric_objects", {})          # Network, CA, Clustering: what the figures are drawn from
    for name, (spec, df) in results.get("metrics", {}).items():
        builder = SECTION_BUILDERS.get(spec.kind)
        if builder:
            builder(report, name, spec, objects.get(name, df), fig_dir)
    for key, fn in (("topics", _topics), ("framing", _framing), ("statistics", _statistics)):
        if key in results:
            fn(report, results[key], fig_dir)
    _kwic_appendix(report, results, compare)


def _headline(report: Report, results: dict[str, Any]) -> None:
    """The framed share first, when the run computed it (``framing.mention``)."""
    headline = results.get("framing", {}).get("headline")
    if headline:
        s = report.section("headline", "見出し: 主張か反論か (claim or rebuttal)")
        s.paragraphs.append(headline["paragraph"])
        s.tables.append(headline["table"])


def _save(fig_dir: Path | None, name: str, fig) -> Path | None:
    if fig_dir is None:
        figures.plt.close(fig)
        return None
    return figures.save(fig, fig_dir / f"{name}.png")


def _add_figure(section, caption: str, path: Path | None) -> None:
    if path is not None:
        section.figures.append((caption, path))


def _overview(report: Report, results: dict[str, Any], compare: Any) -> None:
    corpus, tables = results["corpus"], results.get("tables", {})
    s = report.section("overview", "コーパスの概要 (corpus overview)")
    s.paragraphs.append(f"{len(corpus)} documents, {sum(len(t) for t in corpus.texts):,} characters.")
    if compare is not None and compare.enabled:
        s.paragraphs.append(f"Comparison: documents whose {compare.by} is {compare.label('target')} (target) against "
                            + (f"those whose {compare.by} is {compare.label('reference')} (reference)" if compare.reference is not None
                               else f"every other document with a value of {compare.by} (reference)")
                            + (f", over {compare.over}." if compare.over else "."))
    problems = results.get("problems", {})
    if problems.get("n"):
        kinds = ", ".join(f"{k}: {v}" for k, v in problems.get("by_kind", {}).items())
        s.paragraphs.append(f"{problems['n']} documents or lines of the corpus file were skipped ({kinds}); every one "
                            "is listed with its file, line and reason in tables/corpus_problems.csv.")
        if "corpus_problems" in tables:
            s.tables.append(("skipped documents (first 30)", tables["corpus_problems"]))
    summary = tables.get("corpus_summary")
    if summary is not None:
        for by, part in summary.groupby("by", sort=False):
            s.tables.append((f"by {by}", part.drop(columns="by").rename(columns={"value": by})))


def _keyness(report: Report, name: str, spec, df: pd.DataFrame, fig_dir: Path | None) -> None:
    measure = df.attrs.get("measure", spec.params.get("measure", "G2"))
    stat = "z" if measure == "fightin" else measure
    target, reference = _label(spec.params.get("target")), _label(spec.params.get("reference"))
    s = report.section(name, f"特徴語 (keyness, {measure}): {target} vs {reference}")
    s.paragraphs.append(f"Documents whose {spec.params.get('by')} is {target} (target) against {reference} (reference). "
                        f"Positive values: over-used by {target}; negative: by {reference}. A click on a term opens its "
                        "KWIC lines; a click on a column header sorts the table.")
    top, bottom = df.nlargest(15, stat), df.nsmallest(15, stat)
    for term in list(top["term"][:KWIC_TERMS_PER_TABLE]) + list(bottom["term"][:KWIC_TERMS_PER_TABLE]):
        report.anchor(term)
    by_size = df.loc[df[stat].abs().sort_values(ascending=False, kind="stable").index]
    s.tables += [("target (top 15)", top), ("reference (top 15)", bottom),
                 (f"every term by |{stat}| (type in the box to find one)", by_size)]
    colors = (report.colors.get(target, figures.TARGET_COLOR), report.colors.get(reference, figures.REFERENCE_COLOR))
    fig = figures.keyness_bars(df, measure=stat, title=f"{target} vs {reference}", colors=colors)
    _add_figure(s, f"keyness ({measure}): {target} (positive) vs {reference} (negative)", _save(fig_dir, name, fig))
    _keyness_scatter(report, s, df, stat, target, reference, colors)


def _keyness_scatter(report: Report, s, df: pd.DataFrame, stat: str, target: str, reference: str,
                     colors: tuple[str, str]) -> None:
    """The two-group term scatter below the bar chart, its terms linked to their KWIC lines."""
    n_t, n_r = df.attrs.get("n_target_tokens"), df.attrs.get("n_reference_tokens")
    if not n_t or not n_r or df.empty:
        return
    cap = interactive.SCATTER_MAX_POINTS
    svg = interactive.term_scatter_svg(df, stat=stat, target=target, reference=reference, n_target_tokens=n_t,
                                       n_reference_tokens=n_r, colors=colors)
    report.link_terms(interactive.select_points(df, stat=stat)["term"])
    s.raw_html.append(
        f"<figure>{svg}<figcaption>Term scatter: each of the {min(len(df), cap):,} terms with the largest |{stat}| or the "
        f"highest frequency (at most {cap}) at its rate per 1,000 tokens in {target} (up) and {reference} (right); colour "
        f"from grey (log ratio 0) to the group that uses it more (full colour: log ratio 3, eight times the rate). A count "
        "of 0 is drawn at half a count; terms with equal counts are spread a few pixels around their common place. "
        "Hover over a point for its counts, log ratio and p_adj; a click opens its KWIC lines. The bar chart above is "
        "a picture and cannot link: its terms are in the tables and in this scatter.</figcaption></figure>")


def _label(levels: Any) -> str:
    """``"state"``, ``"state+police"`` or ``"rest"`` (no reference: every other document)."""
    if levels is None:
        return "rest"
    return "+".join(map(str, levels)) if isinstance(levels, (list, tuple)) else str(levels)


def _collocations(report: Report, name: str, spec, df: pd.DataFrame, fig_dir: Path | None) -> None:
    node = spec.params.get("node")
    s = report.section(name, f"共起語 (collocates of {node})")
    s.paragraphs.append("Collocates within the window, never across sentences; ranked by logDice within each group.")
    if "group" in df.columns:
        for group, part in df.groupby("group", sort=True):
            part = part.sort_values("log_dice", ascending=False).head(12)
            for term in part["collocate"][:5]:
                report.anchor(term)
            s.tables.append((f"{group}", part.drop(columns="group")))
    else:
        s.tables.append(("collocates", df.head(20)))


def _cooccurrence(report: Report, name: str, spec, df: pd.DataFrame, fig_dir: Path | None) -> None:
    a, b = df.attrs.get("a", "a"), df.attrs.get("b", "b")
    s = report.section(name, f"共起 (co-mention of {a} and {b} terms)")
    s.paragraphs.append(f"Sentences containing a {a} term and a {b} term (term groups: corpora/lexicons or the config): "
                        f"P({b} | {a}), lift, PMI and the log-odds ratio with document-bootstrap intervals. This is "
                        "co-mention: a sentence that rebuts a claim mentions its terms as much as one that makes it.")
    s.tables.append(("by group", df))
    by = list(df.attrs.get("by", []))
    if fig_dir is None or not by:
        return
    numeric = [c for c in by if c in df and str(df[c].dtype).startswith(("int", "Int", "float"))]
    groups = [c for c in by if c not in numeric]
    if not groups:
        return
    group, data = groups[0], df.assign(**{groups[0]: df[groups[0]].astype(str)})
    if numeric:
        over = numeric[0]
        fig = figures.lines_by_year(data[data["defined"]], year=over, value="p_b_given_a", group=group, ylabel=f"P({b} | {a})",
                                    title=f"{a}語を含む文に{b}語が現れる割合 ({group}, {over})", colors=report.colors)
        _add_figure(s, f"P({b} | {a}) by {group} and {over}", _save(fig_dir, name, fig))
    else:
        fig = figures.grouped_intervals(data.assign(item="log odds ratio"), item="item", group=group, value="log_odds_ratio",
                                        low="log_odds_ratio_ci_low", high="log_odds_ratio_ci_high", colors=report.colors,
                                        title=f"{a}語と{b}語の対数オッズ比 ({group})")
        _add_figure(s, f"log-odds ratio by {group} (95% interval)", _save(fig_dir, name, fig))


def _crime_figures(report: Report, name: str, spec, df: pd.DataFrame, fig_dir: Path | None) -> None:
    from ..metrics.crime_figures import crime_figures_wide

    s = report.section(name, "同じ犯罪統計の三つの読み方 (three framings of the crime figures)")
    s.paragraphs.append("Growth and index compare the group with itself (the state's framing); the share of all "
                        "suspects and the rate per resident compare it with the whole (the NGOs' framing); offences "
                        "per offender separate more offending from more persistent policing. Real figures, "
                        "corpora/statistics/.")
    wide = crime_figures_wide(df)
    s.tables.append(("by year", wide.reset_index()))
    _add_figure(s, "three framings", _save(fig_dir, name, figures.crime_framings(wide)))


def _topics(report: Report, topics: dict[str, Any], fig_dir: Path | None) -> None:
    s = report.section("topics", "トピック (topic model)")
    for caption, df in topics.get("tables", []):
        s.tables.append((caption, df))
    for caption, fig_name, fig in topics.get("figures", []):
        _add_figure(s, caption, _save(fig_dir, fig_name, fig))
    s.paragraphs += topics.get("paragraphs", [])


def _framing(report: Report, framing: dict[str, Any], fig_dir: Path | None) -> None:
    s = report.section("frames", "フレーム (frames)")
    s.paragraphs += framing.get("paragraphs", [])
    for caption, df in framing.get("tables", []):
        s.tables.append((caption, df))
    for caption, fig_name, fig in framing.get("figures", []):
        _add_figure(s, caption, _save(fig_dir, fig_name, fig))


def _network(report: Report, name: str, spec, net, fig_dir: Path | None) -> None:
    """Co-occurrence network: PNG coloured by community (and by over-using group with a comparison),
    the interactive page embedded (and written to ``figures/<name>.html``), nodes and edges tables."""
    from ..metrics.network import node_colors

    a = net.attrs
    s = report.section(name, f"共起ネットワーク (co-occurrence network: {a['measure']}, {a['unit']})")
    s.paragraphs.append(
        f"Terms are nodes; two terms are linked when they occur in the same {a['unit']}. Candidates are the terms found "
        f"in at least {a['min_freq']} {a['unit']}s ({a['n_units']} in all); only the {a['top_edges']} strongest edges by "
        f"{a['measure']} are kept, and the nodes are their terms. Node size: number of {a['unit']}s with the term; edge "
        "width: the weight. Communities: modularity (greedy, weighted), numbered by size. Strong edges between rare terms "
        "are common with Jaccard: raise min_freq to see the core vocabulary.")
    for term in net.nodes.nlargest(5, "freq")["term"]:
        report.anchor(term)
    by, colors = "community", node_colors(net, "community")
    if "group" in net.nodes:
        by, colors = "group", _group_colors(report, net)
        s.paragraphs.append(f"The figure gives each node the colour of the group that over-uses it (log ratio of its tokens, "
                            f"{_label(a['target'])} against {_label(a.get('reference'))}; grey: equal use); the "
                            "interactive version colours the communities, and its tooltips give both.")
    _add_figure(s, f"co-occurrence network, colour by {by}", _save(fig_dir, name, figures.lazy(_network_figure, net, colors, by)))
    s.raw_html.append(_network_frame(name, net, node_colors(net, "community"), "community", fig_dir))
    s.tables += [("nodes (largest degree first)", net.nodes.sort_values(["degree", "freq"], ascending=False)),
                 ("edges (strongest first)", net.edges)]


def _group_colors(report: Report, net) -> dict[str, str]:
    """Term -> the run's colour of the group that over-uses it (grey when equal)."""
    target = _label(net.attrs["target"])
    palette = {g: report.colors.get(g, figures.TARGET_COLOR if g == target else figures.REFERENCE_COLOR)
               for g in set(net.nodes["group"]) - {"-"}}
    return {t: palette.get(g, "#dddddd") for t, g in zip(net.nodes["term"], net.nodes["group"])}


def _network_figure(net, colors: dict, by: str):
    from ..metrics.network import layout
    from .plots_analyses import plot_network

    return plot_network(net, layout(net, random_state=0), colors, color_by=by)


def _network_frame(name: str, net, colors: dict, by: str, fig_dir: Path | None) -> str:
    """The interactive network embedded in the report (inline SVG and script, scoped to its own id,
    drawn in the report's embedded font), also written to ``figures/<name>.html`` as a page of its
    own when figures are written (that page uses the system's Japanese fonts)."""
    import html

    from ..metrics.network import network_html

    title = f"共起ネットワーク ({by})"
    link = ""
    if fig_dir is not None:
        fig_dir.mkdir(parents=True, exist_ok=True)
        (fig_dir / f"{name}.html").write_text(network_html(net, colors=colors, title=title), encoding="utf-8")
        link = f" (also as a page of its own: <a href='figures/{html.escape(name)}.html'>figures/{html.escape(name)}.html</a>)"
    fragment = network_html(net, colors=colors, title=title, page=False, element_id=f"net-{name}")
    return (f"<figure class='network'>{fragment}<figcaption>interactive network, colour by {html.escape(by)}: hover a "
            f"node or an edge for its figures, click a node to show its neighbours, click the background to reset{link}"
            "</figcaption></figure>")


def _correspondence(report: Report, name: str, spec, ca, fig_dir: Path | None) -> None:
    """Correspondence analysis: principal inertias, the group points, the terms that define the first
    dimension, and the symmetric biplot."""
    by = ca.attrs.get("by", spec.params.get("by"))
    s = report.section(name, f"対応分析 (correspondence analysis: terms x {by})")
    pct = ", ".join(f"dimension {int(r.dim)}: {r.pct:.1f}%" for r in ca.inertia.head(3).itertuples())
    s.paragraphs.append(
        f"The {len(ca.rows)} most frequent terms by the levels of {by} (counts). Total inertia {ca.total_inertia:.4f} "
        f"(chi-square {ca.chi2:.1f} / n {ca.n:.0f}); {pct}. Symmetric map: terms and groups in principal coordinates. "
        "A term lies towards the groups that use it more than average; distances between a term and a group are not "
        "directly interpretable, directions from the origin are. ctr = contribution to the dimension, cos2 = quality.")
    dims = [c for c in ca.columns.columns if c.startswith(("dim", "ctr"))][:4]
    s.tables.append(("principal inertias", ca.inertia))
    s.tables.append((f"levels of {by}", ca.columns[["label", "mass", "inertia", *dims]]))
    top = ca.rows.nlargest(15, "ctr1") if "ctr1" in ca.rows else ca.rows.head(15)
    s.tables.append(("terms contributing most to dimension 1", top[["label", "mass", *[d for d in dims if d in top]]]
                     .rename(columns={"label": "term"})))
    for term in top["label"][:5]:
        report.anchor(str(term))
    fig = figures.lazy(_biplot, ca)
    _add_figure(s, f"correspondence analysis of terms x {by} (symmetric map)", _save(fig_dir, name, fig))


def _biplot(ca):
    from .plots_analyses import plot_biplot

    return plot_biplot(ca, max_rows=40)


def _clustering(report: Report, name: str, spec, result, fig_dir: Path | None) -> None:
    """Hierarchical clustering: the leaves in dendrogram order with their clusters, and the dendrogram."""
    from .plots_analyses import plot_dendrogram

    a = result.attrs
    items = "terms" if a.get("items") == "terms" else "documents"
    s = report.section(name, f"階層的クラスター分析 (hierarchical clustering of {items})")
    s.paragraphs.append(
        f"The {len(result.labels)} most frequent terms, each described by the {a.get('unit', 'document')}s it occurs in; "
        f"distance {a.get('metric')}, agglomeration {a.get('method')}"
        + (f"; the tree cut into {a['n_clusters']} clusters (numbered from the first leaf)." if a.get("n_clusters") else ".")
        + (" Ward's criterion is defined for Euclidean distances; applied to Jaccard distances (as KH Coder does) it is "
           "a heuristic: say so when you report it." if a.get("method") == "ward" and a.get("metric") != "euclidean" else ""))
    s.tables.append(("leaves in dendrogram order (leaf 1 at the bottom)", result.leaves()))
    fig = figures.lazy(plot_dendrogram, result)
    _add_figure(s, f"dendrogram ({a.get('method')}, {a.get('metric')})", _save(fig_dir, name, fig))


def _dispersion(report: Report, name: str, spec, df: pd.DataFrame, fig_dir: Path | None) -> None:
    """Dispersion plot of the terms over the documents laid end to end (ordered by group and period)."""
    from .plots_analyses import plot_dispersion

    terms, over, by = df.attrs.get("terms", []), df.attrs.get("over"), df.attrs.get("by")
    s = report.section(name, f"分散プロット (dispersion plot: {', '.join(map(str, terms))})")
    s.paragraphs.append(
        "Each tick is one occurrence; the documents are laid end to end" + (f", one row of panels per {by}" if by else "")
        + (f", in order of {over} (grey lines: where each {over} starts)" if over else "") + ". A term used evenly "
        "covers its row; a term of a few documents or a few years comes in clusters.")
    missing = df.attrs.get("missing", [])
    if missing:
        s.paragraphs.append(f"Not in the tokens (check the spelling or the tokenizer's compounds): {', '.join(missing)}.")
    counts = df.groupby(["term", "group"], sort=False).agg(freq=("doc_id", "size"), docfreq=("doc_id", "nunique"))
    s.tables.append(("occurrences by term and group", counts.reset_index()))
    for term in terms:
        report.anchor(str(term))
    if len(df) or df.attrs.get("docs") is not None:
        _add_figure(s, "dispersion plot", _save(fig_dir, name, figures.lazy(plot_dispersion, df, title="分散プロット")))


def _frequency(report: Report, name: str, spec, df: pd.DataFrame, fig_dir: Path | None) -> None:
    """Frequency lists: the 15 most frequent terms (or n-grams) of each group, with dispersion."""
    n = df.attrs.get("n", 1)
    s = report.section(name, f"頻度表 (frequency list{f', {n}-grams' if n > 1 else ''})")
    s.paragraphs.append("freq: occurrences; rel_freq: per million tokens of the group; docfreq: documents with the term; "
                        "range: their share of the group's documents; dp: Gries' DP (0 = spread in proportion to "
                        "document sizes, near 1 = concentrated in a few documents). The whole list is in the CSV.")
    for group, part in df.groupby("group", sort=False):
        top = part.head(15)
        for term in top["term"][:5]:
            report.anchor(str(term))
        s.tables.append((f"{group}", top.drop(columns=["group", "n_docs", "n_tokens"])))


def _term_trends(report: Report, name: str, spec, df: pd.DataFrame, fig_dir: Path | None) -> None:
    """Terms over time: rate per 10,000 tokens by period (and group) with the bootstrap interval."""
    from .plots_analyses import plot_trends

    over, by = df.attrs.get("over"), df.attrs.get("by")
    terms = df.attrs.get("terms", [])
    s = report.section(name, f"語の推移 (terms over {over}: {', '.join(map(str, terms))})")
    s.paragraphs.append(f"Occurrences per 10,000 tokens of each {over}" + (f" and {by}" if by else "") + ", with a "
                        f"{df.attrs.get('ci', 0.95):.0%} percentile interval from {df.attrs.get('n_boot')} resamples of the "
                        "cell's documents. A cell of few documents has a wide interval: read n_docs before the line.")
    for term in terms:
        report.anchor(str(term))
    s.tables.append(("by period (first rows; all in the CSV)", df))
    _add_figure(s, f"terms over {over} (per 10,000 tokens, interval band)", _save(fig_dir, name, figures.lazy(plot_trends, df)))


def _keyness_over(report: Report, name: str, spec, df: pd.DataFrame, fig_dir: Path | None) -> None:
    """Keyness of each period against all other periods: the top terms of each period side by side."""
    over, measure = df.attrs.get("over"), df.attrs.get("measure", "G2")
    s = report.section(name, f"時期別の特徴語 (keyness of each {over} against the others, {measure})")
    s.paragraphs.append(f"For each {over}, the terms it over-uses against all other {over}s together (one keyness table "
                        "per period; p_adj is Benjamini-Hochberg within the period).")
    top = df[df["rank"] <= 5]
    wide = top.pivot_table(index="rank", columns=over, values="term", aggfunc="first")
    s.tables.append((f"top 5 terms of each {over}", wide.reset_index()))


def _statistics(report: Report, st: dict[str, Any], fig_dir: Path | None) -> None:
    """Frames beside the official figures (figure, correlations, the warning) and claims checked."""
    s = report.section("statistics", "公式統計との照合 (frames and claims against the official figures)")
    if "figures" in st:
        _frames_vs_figures(report, s, st["figures"], st["labels"], fig_dir)
    if "claims" in st:
        _claims(s, *st["claims"], st["labels"])


def _frames_vs_figures(report: Report, s, vs: pd.DataFrame, labels: str, fig_dir: Path | None) -> None:
    from .plots_analyses import plot_frames_vs_figures

    by, indicator = vs.attrs.get("by"), vs.attrs.get("indicator")
    n = int(vs["n"].max()) if len(vs) else 0
    s.paragraphs.append(
        f"Frame prevalence (share of sentences, {labels} labels) by year{f' and {by}' if by else ''}, beside the official "
        f"series {indicator} (corpora/statistics). Lag k pairs the talk of year t with the figure of year t - k (figures "
        "are published the following year). pearson_diff correlates year-to-year changes, which removes a shared trend.")
    warning = vs["warning"].iloc[0] if len(vs) else ""
    s.paragraphs.append(f"Read with care: at most {n} years have both a prevalence and a figure. " + warning)
    dropped = vs.attrs.get("dropped") or []
    if dropped:
        s.paragraphs.append("Years of the series left out: " + "; ".join(f"{d['year']} ({d['reason']})" for d in dropped) + ".")
    s.tables.append((f"correlation with {indicator} by lag", vs.drop(columns="warning")))
    fig = figures.lazy(plot_frames_vs_figures, vs.attrs["series"], group=by, colors=report.colors,
                                 title=f"フレームの割合と公式統計 ({indicator})")
    _add_figure(s, f"frame prevalence by year beside {indicator}", _save(fig_dir, "frames_vs_figures", fig))


CLAIM_SHOWN = ["doc_id", "frames", "span", "text", "year", "base_year", "population", "indicator", "figure", "status",
               "scope_change", "population_mixing", "growth_vs_share", "note"]


def _claims(s, checked: pd.DataFrame, summary: pd.DataFrame, labels: str) -> None:
    frames = ", ".join(checked.attrs.get("claim_frames", []))
    s.paragraphs.append(
        f"Numbers with a unit (persons, cases, %, times) in the sentences coded {frames} ({labels} labels), read by "
        "rules (year, population, unit, growth or share) and compared with the official table: matches (within the "
        "rounding of the number as written), differs, or no_figure (no population named, a rate, or a year the table "
        "lacks). Flags: scope_change (the two years' figures are defined differently), population_mixing (the number "
        "is right for another population: 来日外国人 vs all foreigners), growth_vs_share (a stated growth while the "
        "group's share of all persons cleared stayed flat). The reading is by rules: check a sample by eye.")
    s.tables.append(("verdicts by group", summary))
    order = checked.assign(_o=checked["status"].map({"differs": 0, "matches": 2, "no_figure": 3}).fillna(4)
                           - checked[["scope_change", "population_mixing", "growth_vs_share"]].astype(bool).any(axis=1))
    shown = order.sort_values(["_o", "claim_id"], kind="stable")
    lead = list(checked.columns[checked.columns.get_loc("doc_id"):checked.columns.get_loc("frames")])   # doc_id, by, year
    cols = list(dict.fromkeys(c for c in [*lead, *CLAIM_SHOWN] if c in shown))
    s.tables.append(("claims (differing and flagged first; all in tables/claims_checked.csv)", shown[cols]))


def _kwic_appendix(report: Report, results: dict[str, Any], compare: Any = None) -> None:
    """Every term the page shows gets KWIC lines on click (looked up once per term when the page is
    written); the top key terms also get a static block here (for print and without JavaScript)."""
    if "tokens" not in results:
        return
    from ..metrics import kwic

    tokens = results["tokens"]
    by = compare.by if compare is not None and getattr(compare, "enabled", False) else None
    report.kwic_lookup = functools.partial(interactive.kwic_lines, tokens, group=by)
    s = report.section("kwic", "KWIC (key words in context)")
    s.paragraphs.append(f"A click on a term in any table, or on a point of the term scatter, opens its concordance lines "
                        f"(the first {interactive.KWIC_LINES_PER_TERM} in document order, {interactive.KWIC_WINDOW} tokens "
                        "of context) at the bottom of the window. The top key terms also have their first 12 lines here.")
    for term, anchor in report.kwic_anchors.items():
        s.raw_html.append(kwic_html(term, anchor, kwic(tokens, term, window=interactive.KWIC_WINDOW, valuetype="fixed")))


SECTION_BUILDERS = {"keyness": _keyness, "collocations": _collocations, "cooccurrence": _cooccurrence,
                    "crime_figures": _crime_figures, "network": _network, "correspondence": _correspondence,
                    "clustering": _clustering, "dispersion": _dispersion, "frequency": _frequency,
                    "term_trends": _term_trends, "keyness_over": _keyness_over}

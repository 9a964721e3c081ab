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
    for name, (spec, df) in results.get("metrics", {}).items():
        builder = SECTION_BUILDERS.get(spec.kind)
        if builder:
            builder(report, name, spec, df, fig_dir)
    for key, fn in (("topics", _topics), ("framing", _framing)):
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
                    "crime_figures": _crime_figures}

"""``discourse topics``: fit a topic model on a corpus and write its tables (a thin CLI shell).

    discourse topics corpora/demo --k 8 --out runs/topics
    discourse topics corpora/demo --k 8 --keep side=state,ngo --by side --contrast state,ngo --out runs/topics
    discourse topics corpora/demo --select-k 4,6,8,10 --n-jobs 2 --out runs/k

Writes to ``--out``: ``labels.csv`` (prob / FREX / lift terms per topic), ``doc_topics.csv``,
``representative_sentences.csv``, the model folder ``model/`` (NPZ + JSON); with ``--by DOCVAR``
also ``prevalence.csv`` (by the docvar, and by it x year when documents have years; bootstrap
intervals) and ``divergence.csv``; with ``--contrast A,B`` ``contrast.csv`` (A - B, method of
composition); with ``--select-k`` ``select_k.csv`` and ``select_k.png``.
"""
from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from .common import (add_allow_skipped, add_keep, check_output_folder, keep_filters, read_corpus_arg, report_skipped,
                     write_table, writing)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``topics`` command."""
    p = sub.add_parser("topics", help="fit an LDA topic model and write labels, prevalence and group contrasts")
    p.add_argument("corpus", help="corpus folder or .jsonl")
    p.add_argument("--k", type=int, default=8, help="number of topics (default 8)")
    p.add_argument("--select-k", default="", metavar="K1,K2,...", help="also compare these k (coherence, perplexity)")
    p.add_argument("--passes", type=int, default=20)
    p.add_argument("--chunksize", type=int, default=2000)
    p.add_argument("--seed", type=int, default=0, help="random_state (default 0)")
    p.add_argument("--language", default="ja", help="keep documents of this language (default ja; 'all' keeps all)")
    add_keep(p)
    p.add_argument("--by", default=None, metavar="DOCVAR", help="prevalence and divergence by this docvar, e.g. side")
    p.add_argument("--contrast", default=None, metavar="A,B", help="with --by: the A - B difference in topic shares")
    p.add_argument("--min-termfreq", type=float, default=3)
    p.add_argument("--min-docfreq", type=float, default=2)
    p.add_argument("--max-docfreq", type=float, default=0.5, help="share of documents (default 0.5)")
    p.add_argument("--n-draws", type=int, default=20, help="posterior draws for the contrast (default 20)")
    p.add_argument("--n-jobs", type=int, default=1, help="processes for --select-k")
    p.add_argument("--out", required=True, help="output folder")
    add_allow_skipped(p)
    p.set_defaults(func=cmd_topics)
    return p


def _ints(text: str) -> list[int]:
    try:
        return [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ConfigError(f"--select-k {text!r}: give integers separated by commas, e.g. 4,6,8") from None


def _filters(args: argparse.Namespace) -> dict[str, Any]:
    """``--language`` and ``--keep`` as :meth:`Corpus.subset` keywords."""
    filters: dict[str, Any] = {} if args.language == "all" else {"language": args.language}
    return {**filters, **keep_filters(args.keep)}


def _contrast(args: argparse.Namespace) -> tuple[str, str] | None:
    if args.contrast is None:
        return None
    if args.by is None:
        raise ConfigError(f"--contrast {args.contrast}: name the docvar the two groups come from with --by")
    parts = [v.strip() for v in args.contrast.split(",")]
    if len(parts) != 2 or not all(parts):
        raise ConfigError(f"--contrast {args.contrast!r}: give two groups separated by a comma, e.g. state,ngo")
    return parts[0], parts[1]


def _dtm(args: argparse.Namespace):
    from ..dtm import DocTermMatrix
    from ..tokenize import tokenize

    corpus = read_corpus_arg(args.corpus)
    filters = _filters(args)
    kept = corpus.subset(**filters) if filters else corpus
    if len(kept) < 2:
        raise ConfigError(f"{args.corpus}: {len(kept)} documents left after --language/--keep: loosen the filters")
    tokens = tokenize(kept)
    dtm = DocTermMatrix.from_tokens(tokens).trim(min_termfreq=args.min_termfreq, min_docfreq=args.min_docfreq)
    return tokens, dtm.trim(max_docfreq=args.max_docfreq, docfreq_type="prop"), len(corpus.problems)


def _write(out: Path, name: str, frame: "pd.DataFrame", index: bool = False) -> None:
    write_table(frame, out / f"{name}.csv", index=index)
    print(f"wrote {out / name}.csv")


def cmd_topics(args: argparse.Namespace) -> int:
    """Handler of ``discourse topics``."""
    from ..topics import TopicModel, label_topics, representative_sentences

    logging.getLogger("gensim").setLevel(logging.WARNING)    # its INFO lines would flood the console
    out = check_output_folder(args.out, "--out")
    pair = _contrast(args)
    select = _ints(args.select_k) if args.select_k else []
    tokens, dtm, skipped = _dtm(args)
    if args.by is not None and args.by not in dtm.docvars.columns:
        raise ConfigError(f"--by {args.by!r} is not a docvar of {args.corpus}: use one of {list(dtm.docvars.columns)}")
    print(f"{dtm!r}")
    if select:
        _select_k(args, out, dtm, tokens, select)
    model = TopicModel(args.k, passes=args.passes, chunksize=args.chunksize, random_state=args.seed).fit(dtm)
    with writing(out / "model"):
        model.save(out / "model")
    labels = label_topics(model)
    _write(out, "labels", labels, index=True)
    print(labels[["frex"]].to_string())
    theta = model.transform(dtm)
    _write(out, "doc_topics", theta, index=True)
    _write(out, "representative_sentences", representative_sentences(model, tokens, theta))
    if args.by is not None:
        _by_group(args, out, model, dtm, theta, pair)
    return report_skipped(skipped, f"item(s) of {args.corpus}", allow=args.allow_skipped)


def _select_k(args: argparse.Namespace, out: Path, dtm: Any, tokens: Any, ks: list[int]) -> None:
    from ..topics import plot_select_k, select_k

    table = select_k(dtm, ks, texts=tokens, passes=args.passes, chunksize=args.chunksize, n_jobs=args.n_jobs,
                     random_state=args.seed)
    _write(out, "select_k", table)
    with writing(out / "select_k.png"):
        plot_select_k(table).savefig(out / "select_k.png", dpi=110)
    print(table.round(3).to_string(index=False))


def _by_group(args: argparse.Namespace, out: Path, model: Any, dtm: Any, theta: Any, pair: tuple[str, str] | None) -> None:
    """Prevalence and divergence by ``--by`` (and by it x year), and the ``--contrast`` table."""
    import pandas as pd

    from ..topics import topic_contrast, topic_divergence, topic_prevalence

    docvars = dtm.docvars
    groupings: list[Any] = [args.by]
    if args.by != "year" and "year" in docvars.columns and docvars["year"].notna().any():
        groupings.append([args.by, "year"])
    prevalence = pd.concat([topic_prevalence(theta, docvars, by=by, random_state=args.seed) for by in groupings],
                           ignore_index=True)
    _write(out, "prevalence", prevalence)
    _write(out, "divergence", topic_divergence(theta, docvars, by=args.by, random_state=args.seed))
    if pair is None:
        return
    values = {str(v) for v in docvars[args.by].dropna()}
    missing = [v for v in pair if v not in values]
    if missing:
        raise ConfigError(f"--contrast {args.contrast}: {missing} not found in --by {args.by} "
                          f"(values: {sorted(values)[:10]})")
    keep = docvars[args.by].astype(str).isin(pair).to_numpy()
    contrast = topic_contrast(theta[keep], docvars[keep], by=args.by, target=pair[0], reference=pair[1],
                              posterior=model.posterior(dtm)[keep], n_draws=args.n_draws, random_state=args.seed)
    _write(out, "contrast", contrast)
    print(contrast.round(3).to_string(index=False))

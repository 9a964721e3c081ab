"""``discourse topics``: fit a topic model on a corpus and write its tables (a thin CLI shell).

    discourse topics corpora/demo --k 8 --sides state,ngo --out runs/topics
    discourse topics corpora/demo --select-k 4,6,8,10 --n-jobs 2 --out runs/k

Writes to ``--out``: ``labels.csv`` (prob / FREX / lift terms per topic), ``doc_topics.csv``,
``prevalence.csv`` (by side and by side x year, bootstrap intervals), ``contrast.csv`` (state -
ngo with the method of composition, when both sides are present), ``divergence.csv``,
``representative_sentences.csv``, the model folder ``model/`` (NPZ + JSON), and with
``--select-k`` ``select_k.csv`` and ``select_k.png``.

Register in ``discourse.cli.build_parser`` with ``from .topics import cli as topics_cli;
topics_cli.add_parser(sub)``; the handler registers itself under the command name ``topics``.
"""
from __future__ import annotations

import argparse
import logging
from pathlib import Path

import pandas as pd

from ..cache import write_csv
from ..errors import ConfigError


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``topics`` subcommand to the ``discourse`` parser."""
    from ..cli import COMMANDS

    p = sub.add_parser("topics", help="fit an LDA topic model and write labels, prevalence and side contrasts")
    p.add_argument("corpus", help="corpus folder or .jsonl")
    p.add_argument("--k", type=int, default=8, help="number of topics (default 8)")
    p.add_argument("--select-k", default="", metavar="K1,K2,...", help="also compare these k (coherence, perplexity)")
    p.add_argument("--passes", type=int, default=20)
    p.add_argument("--chunksize", type=int, default=2000)
    p.add_argument("--seed", type=int, default=0, help="random_state (default 0)")
    p.add_argument("--language", default="ja", help="keep documents of this language (default ja; 'all' keeps all)")
    p.add_argument("--sides", default="", metavar="A,B", help="keep these sides, e.g. state,ngo (default all)")
    p.add_argument("--min-termfreq", type=float, default=3)
    p.add_argument("--min-docfreq", type=float, default=2)
    p.add_argument("--max-docfreq", type=float, default=0.5, help="share of documents (default 0.5)")
    p.add_argument("--n-draws", type=int, default=20, help="posterior draws for the contrast (default 20)")
    p.add_argument("--n-jobs", type=int, default=1, help="processes for --select-k")
    p.add_argument("--out", required=True, help="output folder")
    COMMANDS["topics"] = run
    return p


def _ints(text: str) -> list[int]:
    try:
        return [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ConfigError(f"--select-k {text!r}: give integers separated by commas, e.g. 4,6,8") from None


def _dtm(args: argparse.Namespace):
    from ..dtm import DocTermMatrix
    from ..load import read_corpus
    from ..tokenize import tokenize

    corpus = read_corpus(args.corpus)
    filters = {} if args.language == "all" else {"language": args.language}
    if args.sides:
        filters["side"] = [s.strip() for s in args.sides.split(",")]
    corpus = corpus.subset(**filters) if filters else corpus
    if len(corpus) < 2:
        raise ConfigError(f"{args.corpus}: {len(corpus)} documents left after --language/--sides: loosen the filters")
    tokens = tokenize(corpus)
    dtm = DocTermMatrix.from_tokens(tokens).trim(min_termfreq=args.min_termfreq, min_docfreq=args.min_docfreq)
    return tokens, dtm.trim(max_docfreq=args.max_docfreq, docfreq_type="prop")


def _write(out: Path, name: str, frame: pd.DataFrame, index: bool = False) -> None:
    write_csv(out / f"{name}.csv", frame, index=index)
    print(f"wrote {out / name}.csv")


def run(args: argparse.Namespace) -> int:
    """Handler of ``discourse topics``."""
    from . import (TopicModel, label_topics, plot_select_k, representative_sentences, select_k, topic_contrast,
                   topic_divergence, topic_prevalence)

    logging.getLogger("gensim").setLevel(logging.WARNING)    # its INFO lines would flood the console
    out = Path(args.out)
    tokens, dtm = _dtm(args)
    print(f"{dtm!r}")
    if args.select_k:
        table = select_k(dtm, _ints(args.select_k), texts=tokens, passes=args.passes, chunksize=args.chunksize,
                         n_jobs=args.n_jobs, random_state=args.seed)
        _write(out, "select_k", table)
        plot_select_k(table).savefig(out / "select_k.png", dpi=110)
        print(table.round(3).to_string(index=False))
    model = TopicModel(args.k, passes=args.passes, chunksize=args.chunksize, random_state=args.seed).fit(dtm)
    model.save(out / "model")
    labels = label_topics(model)
    _write(out, "labels", labels, index=True)
    print(labels[["frex"]].to_string())
    theta, gamma = model.transform(dtm), model.posterior(dtm)
    _write(out, "doc_topics", theta, index=True)
    prevalence = pd.concat([topic_prevalence(theta, dtm.docvars, by=by, random_state=args.seed)
                            for by in ("side", ["side", "year"])], ignore_index=True)
    _write(out, "prevalence", prevalence)
    _write(out, "divergence", topic_divergence(theta, dtm.docvars, by="side", random_state=args.seed))
    _write(out, "representative_sentences", representative_sentences(model, tokens, theta))
    if {"state", "ngo"} <= set(dtm.docvars["side"]):
        keep = dtm.docvars["side"].isin(["state", "ngo"]).to_numpy()
        contrast = topic_contrast(theta[keep], dtm.docvars[keep], by="side", target="state", reference="ngo", posterior=gamma[keep],
                                  n_draws=args.n_draws, random_state=args.seed)
        _write(out, "contrast", contrast)
        print(contrast.round(3).to_string(index=False))
    return 0

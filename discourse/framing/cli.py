"""``discourse frames ...``: the framing tools on the command line (thin shells over the functions).

    discourse frames code CORPUS [--rules FILE | --model DIR] -o labels.csv [--documents docs.csv]
    discourse frames train [--gold GOLD --split SPLIT] [--all] [--C C] -o MODEL_DIR
    discourse frames evaluate [--gold GOLD --split SPLIT] [--C C] [--n-boot N] [--no-learning] [-o DIR]
    discourse frames annotate-export CORPUS -o sheet.xlsx [--model DIR --n 50 --per-doc 2 --exclude GOLD]
    discourse frames annotate-import sheet.xlsx -o labels.csv
    discourse frames agreement FIRST SECOND

``add_frames_parser(subparsers)`` registers them; each sub-parser's ``func`` default is the
``cmd_frames_<verb>(args) -> int`` function that runs it.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from ..cache import write_csv
from ..errors import ConfigError


def _write_csv(df: pd.DataFrame, path: str | Path, *, bom: bool = False) -> Path:
    return write_csv(Path(path), df, bom=bom)


def _codebook(args: argparse.Namespace) -> Any:
    from .codebook import load_codebook

    return load_codebook(getattr(args, "codebook", None))


def cmd_frames_code(args: argparse.Namespace) -> int:
    """Code every sentence of a corpus with the dictionary (rules) or a saved classifier."""
    from ..load import read_corpus
    from .classifier import FramingClassifier
    from .dictionary import DictionaryCoder
    from .rules import read_rules

    corpus = read_corpus(args.corpus)
    if args.model and args.rules:
        raise ConfigError("give either --rules (dictionary coding) or --model (classifier), not both")
    coder = FramingClassifier.load(args.model) if args.model else DictionaryCoder(
        read_rules(args.rules) if args.rules else None, codebook=_codebook(args))
    coding = coder.code_corpus(corpus)
    out = _write_csv(coding.labels, args.output, bom=args.bom)
    frames = [c for c in coding.labels.columns if c not in ("doc_id", "sent_id", "start", "end", "text", "language")]
    print(f"coded {len(coding.labels)} sentences of {len(corpus)} documents -> {out}")
    print(coding.labels[frames].sum().rename("sentences").to_string())
    if args.documents:
        print(f"document shares -> {_write_csv(coding.documents, args.documents, bom=args.bom)}")
    return 0


def _gold(args: argparse.Namespace) -> Any:
    from .data import load_gold_set

    return load_gold_set(args.gold, args.split, codebook=_codebook(args))


def cmd_frames_train(args: argparse.Namespace) -> int:
    """Fit a FramingClassifier on the TRAIN documents (or all with --all) and save it."""
    from .classifier import FramingClassifier
    from .evaluate import sentence_inputs

    gold = _gold(args)
    data = gold.labels.assign(language=gold.language) if args.all else gold.train()
    X, Y = sentence_inputs(data, gold.frames)
    model = FramingClassifier(C=args.C, codebook=_codebook(args), random_state=args.seed).fit(X, Y)
    out = model.save(args.output)
    print(f"fitted on {len(X)} sentences of {X['doc_id'].nunique()} documents ({'all' if args.all else 'train'}) -> {out}")
    print("nested grouped CV inside the training data (thresholds chosen without the scored documents; "
          "the headline is 'frames evaluate' on held-out test documents):")
    print(model.cv_scores_.round(3).to_string(index=False))
    return 0


def cmd_frames_evaluate(args: argparse.Namespace) -> int:
    """The held-out evaluation: classifier vs dictionary on the TEST documents."""
    from .demo import evaluate_demo

    report = evaluate_demo(_gold(args), C=args.C, n_boot=args.n_boot, learning=not args.no_learning,
                           random_state=args.seed)
    print(report.summary_text())
    print()
    print(report.markdown())
    if args.output:
        folder = Path(args.output)
        for name, table in report.tables().items():
            _write_csv(table, folder / f"{name}.csv")
        print(f"tables -> {folder}")
    return 0


def cmd_frames_annotate_export(args: argparse.Namespace) -> int:
    """Export sentences of a corpus for annotation (all, a sample, or the most uncertain)."""
    from ..load import read_corpus
    from .active import rank_for_annotation
    from .annotate import export_annotation
    from .classifier import FramingClassifier
    from .data import corpus_sentences, load_gold

    corpus = read_corpus(args.corpus)
    sentences = corpus_sentences(corpus)
    exclude = set(load_gold(args.exclude, codebook=_codebook(args))["sent_id"]) if args.exclude else set()
    if args.model:
        chosen = rank_for_annotation(FramingClassifier.load(args.model), sentences, n=args.n or 50, per_doc=args.per_doc,
                                     exclude=exclude)
    else:
        pool = sentences[~sentences["sent_id"].isin(exclude)]
        chosen = pool.sample(n=min(args.n, len(pool)), random_state=args.seed).sort_index() if args.n else pool
    out = export_annotation(chosen, args.output, codebook=_codebook(args), docvars=corpus.docvars,
                            context=args.context, context_source=sentences)
    print(f"exported {len(chosen)} sentences -> {out}")
    return 0


def cmd_frames_annotate_import(args: argparse.Namespace) -> int:
    """Validate a coded sheet and write it as a labels table."""
    from .annotate import import_annotation

    labels = import_annotation(args.sheet, codebook=_codebook(args))
    frames = labels.attrs["frames"]
    print(f"{args.sheet}: {len(labels)} sentences, {len(labels.attrs['blank'])} with every frame blank")
    print(labels[frames].sum().rename("sentences").to_string())
    if args.output:
        print(f"labels -> {_write_csv(labels, args.output)}")
    return 0


def _read_labels(path: str, codebook: Any) -> pd.DataFrame:
    from .annotate import import_annotation
    from .data import load_gold

    return load_gold(path, codebook=codebook) if str(path).endswith(".jsonl") else import_annotation(path, codebook=codebook)


def cmd_frames_agreement(args: argparse.Namespace) -> int:
    """Cohen's kappa and Krippendorff's alpha per frame between two codings of the same sentences."""
    from .agreement import frame_agreement

    cb = _codebook(args)
    a, b = (_read_labels(p, cb).set_index("sent_id") for p in (args.first, args.second))
    common = [s for s in a.index if s in b.index]
    if not common:
        raise ConfigError(f"{args.first} and {args.second} share no sent_id: they must code the same sentences")
    table = frame_agreement(a.loc[common], b.loc[common], cb.ids)
    print(f"{len(common)} sentences coded in both ({len(a) - len(common)} only in the first, {len(b) - len(common)} only in the second)")
    print(table.round(3).to_string(index=False))
    if args.output:
        print(f"-> {_write_csv(table, args.output)}")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "code": cmd_frames_code, "train": cmd_frames_train, "evaluate": cmd_frames_evaluate,
    "annotate-export": cmd_frames_annotate_export, "annotate-import": cmd_frames_annotate_import,
    "agreement": cmd_frames_agreement,
}


def _gold_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--gold", default=None, help="gold annotations JSONL (default: the demo corpus's)")
    p.add_argument("--split", default=None, help="train/test split CSV (default: the demo corpus's)")


def add_frames_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``frames`` with its sub-commands to an argparse sub-parsers object."""
    frames = subparsers.add_parser("frames", help="frame coding: dictionary, classifier, evaluation, annotation")
    sub = frames.add_subparsers(dest="frames_command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--codebook", default=None, help="codebook TOML (default: the bundled one)")
    _add = sub.add_parser

    def add_parser(name: str, **kw: Any) -> argparse.ArgumentParser:
        return _add(name, parents=[common], **kw)

    sub.add_parser = add_parser  # type: ignore[method-assign]
    p = sub.add_parser("code", help="code every sentence of a corpus (dictionary rules or a saved classifier)")
    p.add_argument("corpus")
    p.add_argument("--rules", default=None, help="rule file (*code lines + rules); default: the codebook cues")
    p.add_argument("--model", default=None, help="folder of a saved classifier (instead of rules)")
    p.add_argument("-o", "--output", required=True, help="sentence labels CSV")
    p.add_argument("--documents", default=None, help="also write per-document frame shares to this CSV")
    p.add_argument("--bom", action="store_true", help="UTF-8 with BOM (Excel)")
    p = sub.add_parser("train", help="fit the classifier on the training documents and save it")
    _gold_args(p)
    p.add_argument("--all", action="store_true", help="fit on train and test documents (for applying, not evaluating)")
    p.add_argument("--C", type=float, default=10.0, help="regularization constant (default 10, the value grouped CV "
                   "on the demo training documents chooses; `frames evaluate` tunes it)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("-o", "--output", required=True, help="model folder (model.json + arrays.npz)")
    p = sub.add_parser("evaluate", help="held-out evaluation of classifier and dictionary on the test documents")
    _gold_args(p)
    p.add_argument("--C", type=float, default=None, help="skip tuning C by grouped CV on train")
    p.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples of test documents")
    p.add_argument("--no-learning", action="store_true", help="skip the learning curve")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("-o", "--output", default=None, help="folder for the evaluation tables (CSV)")
    p = sub.add_parser("annotate-export", help="export sentences for annotation (CSV with BOM or XLSX)")
    p.add_argument("corpus")
    p.add_argument("-o", "--output", required=True, help="sheet.csv or sheet.xlsx")
    p.add_argument("--model", default=None, help="saved classifier: export the most uncertain sentences (active learning)")
    p.add_argument("--n", type=int, default=0, help="how many sentences (0 = all; with --model default 50)")
    p.add_argument("--per-doc", type=int, default=2, help="at most this many per document (active learning)")
    p.add_argument("--exclude", default=None, help="gold JSONL whose sentences are already annotated")
    p.add_argument("--context", type=int, default=1, help="sentences of context on each side")
    p.add_argument("--seed", type=int, default=0)
    p = sub.add_parser("annotate-import", help="validate a coded sheet and write a labels CSV")
    p.add_argument("sheet")
    p.add_argument("-o", "--output", default=None, help="labels CSV")
    p = sub.add_parser("agreement", help="agreement of two codings (sheets or gold JSONL) per frame")
    p.add_argument("first")
    p.add_argument("second")
    p.add_argument("-o", "--output", default=None, help="agreement table CSV")
    for verb, parser in sub.choices.items():
        parser.set_defaults(func=COMMANDS[verb])
    return frames



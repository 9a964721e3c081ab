"""``discourse frames ...``: the framing tools on the command line (thin shells over the functions).

    discourse frames code CORPUS [--rules FILE | --model DIR] -o labels.csv [--documents docs.csv]
    discourse frames train [--gold GOLD --split SPLIT] [--all] [--C C] -o MODEL_DIR
    discourse frames evaluate [--gold GOLD --split SPLIT] [--C C] [--n-boot N] [--no-learning] [-o DIR]
    discourse frames annotate-export CORPUS -o sheet.xlsx [--model DIR --n 50 --per-doc 2 --exclude GOLD]
    discourse frames annotate-import sheet.xlsx -o labels.csv
    discourse frames agreement FIRST SECOND
    discourse frames hydrate ANNOTATIONS --corpus FETCHED.jsonl -o gold.jsonl [--report report.csv]

``add_parser(sub)`` adds ``frames`` and its verbs; each verb's ``func`` default is the
``cmd_frames_<verb>(args) -> int`` function that runs it. Output paths are checked before any work.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from .common import OK, add_allow_skipped, check_output_file, check_output_folder, read_corpus_arg, report_skipped, \
    write_table, writing

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def _write_csv(df: "pd.DataFrame", path: str | Path, *, bom: bool = False) -> Path:
    return write_table(df, path, bom=bom)


def _codebook(args: argparse.Namespace) -> Any:
    from ..framing.codebook import load_codebook

    return load_codebook(getattr(args, "codebook", None))


def cmd_frames_code(args: argparse.Namespace) -> int:
    """Code every sentence of a corpus with the dictionary (rules) or a saved classifier."""
    from ..framing.classifier import FramingClassifier
    from ..framing.dictionary import DictionaryCoder
    from ..framing.rules import read_rules

    if args.model and args.rules:
        raise ConfigError("give either --rules (dictionary coding) or --model (classifier), not both")
    check_output_file(args.output)
    if args.documents:
        check_output_file(args.documents, "--documents")
    corpus = read_corpus_arg(args.corpus)
    coder = FramingClassifier.load(args.model) if args.model else DictionaryCoder(
        read_rules(args.rules) if args.rules else None, codebook=_codebook(args))
    coding = coder.code_corpus(corpus)
    out = _write_csv(coding.labels, args.output, bom=args.bom)
    frames = [c for c in coding.labels.columns if c not in ("doc_id", "sent_id", "start", "end", "text", "language")]
    print(f"coded {len(coding.labels)} sentences of {len(corpus)} documents -> {out}")
    print(coding.labels[frames].sum().rename("sentences").to_string())
    if args.documents:
        print(f"document shares -> {_write_csv(coding.documents, args.documents, bom=args.bom)}")
    return report_skipped(len(corpus.problems), f"item(s) of {args.corpus}", allow=args.allow_skipped)


def _gold(args: argparse.Namespace) -> Any:
    from ..framing.data import load_gold_set

    return load_gold_set(args.gold, args.split, codebook=_codebook(args))


def cmd_frames_train(args: argparse.Namespace) -> int:
    """Fit a FramingClassifier on the TRAIN documents (or all with --all) and save it."""
    from ..framing.classifier import FramingClassifier
    from ..framing.evaluate import sentence_inputs

    check_output_folder(args.output)
    gold = _gold(args)
    data = gold.labels.assign(language=gold.language) if args.all else gold.train()
    X, Y = sentence_inputs(data, gold.frames)
    model = FramingClassifier(C=args.C, codebook=_codebook(args), random_state=args.seed).fit(X, Y)
    with writing(args.output):
        out = model.save(args.output)
    print(f"fitted on {len(X)} sentences of {X['doc_id'].nunique()} documents ({'all' if args.all else 'train'}) -> {out}")
    print("nested grouped CV inside the training data (thresholds chosen without the scored documents; "
          "the headline is 'frames evaluate' on held-out test documents):")
    print(model.cv_scores_.round(3).to_string(index=False))
    return OK


def cmd_frames_evaluate(args: argparse.Namespace) -> int:
    """The held-out evaluation: classifier vs dictionary on the TEST documents."""
    from ..framing.demo import evaluate_demo

    if args.output:
        check_output_folder(args.output)
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
    return OK


def cmd_frames_annotate_export(args: argparse.Namespace) -> int:
    """Export sentences of a corpus for annotation (all, a sample, or the most uncertain)."""
    from ..framing.active import rank_for_annotation
    from ..framing.annotate import export_annotation
    from ..framing.classifier import FramingClassifier
    from ..framing.data import corpus_sentences, load_gold

    check_output_file(args.output)
    corpus = read_corpus_arg(args.corpus)
    sentences = corpus_sentences(corpus)
    exclude = set(load_gold(args.exclude, codebook=_codebook(args))["sent_id"]) if args.exclude else set()
    if args.model:
        chosen = rank_for_annotation(FramingClassifier.load(args.model), sentences, n=args.n or 50, per_doc=args.per_doc,
                                     exclude=exclude)
    else:
        pool = sentences[~sentences["sent_id"].isin(exclude)]
        chosen = pool.sample(n=min(args.n, len(pool)), random_state=args.seed).sort_index() if args.n else pool
    with writing(args.output):
        out = export_annotation(chosen, args.output, codebook=_codebook(args), docvars=corpus.docvars,
                                context=args.context, context_source=sentences)
    print(f"exported {len(chosen)} sentences -> {out}")
    return report_skipped(len(corpus.problems), f"item(s) of {args.corpus}", allow=args.allow_skipped)


def cmd_frames_annotate_import(args: argparse.Namespace) -> int:
    """Validate a coded sheet and write it as a labels table."""
    from ..framing.annotate import import_annotation

    if args.output:
        check_output_file(args.output)
    labels = import_annotation(args.sheet, codebook=_codebook(args))
    frames = labels.attrs["frames"]
    print(f"{args.sheet}: {len(labels)} sentences, {len(labels.attrs['blank'])} with every frame blank")
    print(labels[frames].sum().rename("sentences").to_string())
    if args.output:
        print(f"labels -> {_write_csv(labels, args.output)}")
    return OK


def _read_labels(path: str, codebook: Any) -> pd.DataFrame:
    from ..framing.annotate import import_annotation
    from ..framing.data import load_gold

    return load_gold(path, codebook=codebook) if str(path).endswith(".jsonl") else import_annotation(path, codebook=codebook)


def cmd_frames_agreement(args: argparse.Namespace) -> int:
    """Cohen's kappa and Krippendorff's alpha per frame between two codings of the same sentences."""
    from ..framing.agreement import frame_agreement

    if args.output:
        check_output_file(args.output)
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
    return OK


def cmd_frames_hydrate(args: argparse.Namespace) -> int:
    """Attach shipped annotations (hash + frames) to a fetched corpus; write a gold JSONL."""
    from ..framing.hydrate import hydrate

    check_output_file(args.output)
    if args.report:
        check_output_file(args.report, "--report")
    corpus = read_corpus_arg(args.corpus)
    result = hydrate(args.annotations, corpus, codebook=_codebook(args))
    with writing(args.output):
        out = result.write_gold(args.output)
    n_found, n_all = len(result.gold), len(result.gold) + len(result.missing)
    print(f"attached {n_found} of {n_all} annotations to {args.corpus} -> {out}")
    bad = result.report[result.report["status"] != "ok"]
    if len(bad):
        print(bad.to_string(index=False))
    if args.report:
        print(f"report -> {_write_csv(result.report, args.report)}")
    return report_skipped(len(result.missing), "annotation(s) (page changed or not fetched)",
                          allow=args.allow_skipped)


_HANDLERS = {
    "code": cmd_frames_code, "train": cmd_frames_train, "evaluate": cmd_frames_evaluate,
    "annotate-export": cmd_frames_annotate_export, "annotate-import": cmd_frames_annotate_import,
    "agreement": cmd_frames_agreement, "hydrate": cmd_frames_hydrate,
}


def _gold_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--gold", default=None, help="gold annotations JSONL (default: the demo corpus's)")
    p.add_argument("--split", default=None, help="train/test split CSV (default: the demo corpus's)")


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``frames`` with its verbs to the ``discourse`` sub-parsers."""
    frames = sub.add_parser("frames", help="frame coding: dictionary, classifier, evaluation, annotation")
    verbs = frames.add_subparsers(dest="frames_command", required=True, metavar="VERB")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--codebook", default=None, help="codebook TOML (default: the bundled one)")

    def verb(name: str, **kw: Any) -> argparse.ArgumentParser:
        return verbs.add_parser(name, parents=[common], **kw)

    p = verb("code", help="code every sentence of a corpus (dictionary rules or a saved classifier)")
    p.add_argument("corpus")
    p.add_argument("--rules", default=None, help="rule file (*code lines + rules); default: the codebook cues")
    p.add_argument("--model", default=None, help="folder of a saved classifier (instead of rules)")
    p.add_argument("-o", "--output", required=True, help="sentence labels CSV")
    p.add_argument("--documents", default=None, help="also write per-document frame shares to this CSV")
    p.add_argument("--bom", action="store_true", help="UTF-8 with BOM (Excel)")
    add_allow_skipped(p)
    p = verb("train", help="fit the classifier on the training documents and save it")
    _gold_args(p)
    p.add_argument("--all", action="store_true", help="fit on train and test documents (for applying, not evaluating)")
    p.add_argument("--C", type=float, default=10.0, help="regularization constant (default 10, the value grouped CV "
                   "on the demo training documents chooses; `frames evaluate` tunes it)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("-o", "--output", required=True, help="model folder (model.json + arrays.npz)")
    p = verb("evaluate", help="held-out evaluation of classifier and dictionary on the test documents")
    _gold_args(p)
    p.add_argument("--C", type=float, default=None, help="skip tuning C by grouped CV on train")
    p.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples of test documents")
    p.add_argument("--no-learning", action="store_true", help="skip the learning curve")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("-o", "--output", default=None, help="folder for the evaluation tables (CSV)")
    p = verb("annotate-export", help="export sentences for annotation (CSV with BOM or XLSX)")
    p.add_argument("corpus")
    p.add_argument("-o", "--output", required=True, help="sheet.csv or sheet.xlsx")
    p.add_argument("--model", default=None, help="saved classifier: export the most uncertain sentences (active learning)")
    p.add_argument("--n", type=int, default=0, help="how many sentences (0 = all; with --model default 50)")
    p.add_argument("--per-doc", type=int, default=2, help="at most this many per document (active learning)")
    p.add_argument("--exclude", default=None, help="gold JSONL whose sentences are already annotated")
    p.add_argument("--context", type=int, default=1, help="sentences of context on each side")
    add_allow_skipped(p)
    p.add_argument("--seed", type=int, default=0)
    p = verb("annotate-import", help="validate a coded sheet and write a labels CSV")
    p.add_argument("sheet")
    p.add_argument("-o", "--output", default=None, help="labels CSV")
    p = verb("agreement", help="agreement of two codings (sheets or gold JSONL) per frame")
    p.add_argument("first")
    p.add_argument("second")
    p.add_argument("-o", "--output", default=None, help="agreement table CSV")
    p = verb("hydrate", help="attach shipped annotations (sentence hash + frames) to a fetched corpus")
    p.add_argument("annotations", help="annotations JSONL (doc_id, sha256, frames), e.g. corpora/real/annotations/gold.jsonl")
    p.add_argument("--corpus", required=True, help="the fetched corpus (discourse fetch urls ... -o corpus.jsonl)")
    p.add_argument("-o", "--output", required=True, help="gold JSONL with the sentences' text and offsets")
    p.add_argument("--report", default=None, help="per-document report CSV (ok / changed / missing_document)")
    add_allow_skipped(p)
    for name, parser in verbs.choices.items():
        parser.set_defaults(func=_HANDLERS[name])
    return frames



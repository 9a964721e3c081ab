"""The shipped frame classifier, trained on real gold annotations (and the constructed demo gold).

The repository ships the real annotations without text (``corpora/real/annotations/``: recipe id,
sentence sha256, frames) and the fitted model (``corpora/models/frames_real/``: term statistics and
coefficients, no text). :func:`train_real` is the one function that produces the model, from the
annotations and the texts on the user's machine (a corpus fetched with ``discourse fetch urls``,
hydrated by sentence hash), with fixed settings and seed, so a machine that has fetched the recipe
retrains it to the same coefficients (``python corpora/real/train.py``).

Settings were chosen by grouped 5-fold cross-validation on the real TRAINING documents only (the
test documents were never used to choose): lemma and character n-grams, codebook cues, the cue
counts of the neighbouring sentences (``context``), C = 10, real training sentences counted twice
beside the demo gold, names of offices, events and laws masked before featurising
(``mask_names``), and a no-frame gate for procedural sentences (``procedural_margin``). A sentence
that rejects a claim as unfounded or false does not get the threat frames it rejects
(``denial="suppress"``, coding rule 1); no sentence of the real training documents matches a
denial pattern, so cross-validation cannot measure it: it rests on the codebook and on the
constructed sentences of ``tests/test_denial.py``. The cues of
all three live in ``corpora/codebooks/discourse_markers.toml``. Never used as features: ``side``,
``actor``, ``genre`` or any docvar (a classifier that learns who is speaking would manufacture the
difference the package measures).

Example
-------
>>> from discourse.framing import FramingClassifier
>>> clf = FramingClassifier.pretrained()                                      # doctest: +SKIP
>>> clf.predict(["来日外国人による組織的な窃盗が多発している。"])                  # doctest: +SKIP
[['crime_threat']]
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


ANNOTATION_PARTS = ("real", "annotations")
SETTINGS: dict[str, Any] = {"context": True, "C": 10.0, "mask_names": True, "denial": "suppress",
                            "procedural_margin": 1.0, "random_state": 0}
REAL_WEIGHT = 2            # real training sentences are counted twice beside the demo gold
THREAT = ["crime_threat", "statistical_threat", "illegal_residence"]


def model_path() -> Path:
    """Folder of the shipped model (``model.json`` + ``arrays.npz`` + ``manifest.json``)."""
    from ..resources import corpora_dir

    from .codebook import PRETRAINED_MODEL

    return corpora_dir().joinpath(*PRETRAINED_MODEL)


def load_pretrained() -> Any:
    """The shipped classifier (``FramingClassifier.pretrained()``; checked on load like every saved model)."""
    from .classifier import FramingClassifier

    return FramingClassifier.pretrained()


def manifest() -> dict[str, Any]:
    """What the shipped model was trained on (annotation files and their sha256, sizes, settings)."""
    return json.loads((model_path() / "manifest.json").read_text(encoding="utf-8"))


def real_gold(texts: str | Path | Any, *, annotations: str | Path | None = None) -> pd.DataFrame:
    """The real gold sentences with their text: one row per annotated sentence found (``doc_id``,
    ``order``, ``text``, ``language``, ``split``, then one 0/1 column per frame), in document order.

    ``texts`` is a fetched corpus (path or Corpus; sentences found by hash with
    :func:`~discourse.framing.hydrate.hydrate`) or a JSONL of sentences with ``doc_id``,
    ``sha256``, ``text`` and ``language`` (a maintainer's local collection)."""
    from ..resources import corpora_dir
    from .codebook import load_codebook

    folder = Path(annotations) if annotations else corpora_dir().joinpath(*ANNOTATION_PARTS)
    frames = load_codebook().ids
    gold = pd.read_json(folder / "gold.jsonl", lines=True, dtype={"doc_id": str})
    split = pd.read_csv(folder / "split.csv", dtype=str).set_index("doc_id")
    found = _texts(texts, folder / "gold.jsonl")
    table = gold.merge(found, on=["doc_id", "sha256"], how="inner")
    table["split"] = split.loc[table["doc_id"], "split"].to_numpy()
    if "side" in split.columns:        # for the evaluation by side only: never a feature
        table["side"] = split.loc[table["doc_id"], "side"].to_numpy()
    for f in frames:
        table[f] = table["frames"].map(lambda fs, f=f: int(f in fs))
    return table.sort_values(["doc_id", "order"], kind="stable").reset_index(drop=True).drop(columns=["frames"])


def _texts(texts: Any, annotations: Path) -> pd.DataFrame:
    if isinstance(texts, (str, Path)) and str(texts).endswith(".jsonl") and _is_sentence_file(Path(texts)):
        rows = pd.read_json(texts, lines=True, dtype={"doc_id": str})
        return rows[["doc_id", "sha256", "text", "language"]].drop_duplicates(["doc_id", "sha256"])
    from ..load import read_corpus
    from .hydrate import hydrate

    corpus = read_corpus(texts) if isinstance(texts, (str, Path)) else texts
    gold = hydrate(annotations, corpus).gold
    languages = {d.doc_id: d.language for d in corpus}
    return gold.assign(language=gold["doc_id"].map(languages))[["doc_id", "sha256", "text", "language"]]


def _is_sentence_file(path: Path) -> bool:
    with path.open(encoding="utf-8") as fh:
        first = json.loads(fh.readline() or "{}")
    return {"sha256", "text"} <= set(first)


def training_table(real: pd.DataFrame, *, include_demo: bool = True, real_weight: int = REAL_WEIGHT) -> pd.DataFrame:
    """Real training sentences (``real_weight`` copies) and the demo gold, as one fitting table."""
    from .codebook import load_codebook
    from .data import load_gold_set

    frames = load_codebook().ids
    train = real[real["split"] == "train"]
    parts = [train] * real_weight
    if include_demo:
        demo = load_gold_set()
        parts.append(demo.labels.assign(language=demo.language))
    cols = ["doc_id", "text", "language", *frames]
    return pd.concat([p[cols] for p in parts], ignore_index=True)


def train_real(real: pd.DataFrame, *, n_boot: int = 1000) -> tuple[Any, dict[str, pd.DataFrame], dict[str, Any]]:
    """Fit the shipped model on the real training documents (+ demo gold) with :data:`SETTINGS`, and
    evaluate it on the held-out real test documents.

    Returns ``(model, tables, summary)``: tables ``evaluation`` (per frame P/R/F1 with document
    bootstrap intervals), ``by_side``, ``transfer`` (the same test scored by a model trained on the
    constructed demo gold only) and ``no_frame`` (how often a sentence without a frame gets one)."""
    from .classifier import FramingClassifier
    from .codebook import load_codebook

    frames = list(load_codebook().ids)
    fit_on = training_table(real)
    model = FramingClassifier(**SETTINGS).fit(fit_on[["doc_id", "text", "language"]], fit_on[frames], groups=fit_on["doc_id"])
    test = real[real["split"] == "test"].reset_index(drop=True)
    demo_only = FramingClassifier(**SETTINGS).fit(*_xy(training_table(real, real_weight=0), frames))
    tables, summary = evaluation_tables(model, demo_only, test, frames, n_boot=n_boot)
    return model, tables, summary


def _xy(table: pd.DataFrame, frames: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    return table[["doc_id", "text", "language"]], table[frames]


def evaluation_tables(model: Any, baseline: Any, test: pd.DataFrame, frames: list[str], *, n_boot: int = 1000
                      ) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Held-out tables of ``model`` on the real ``test`` sentences, and of ``baseline`` (transfer)."""
    from .evaluate import score_predictions

    X, Y = test[["doc_id", "text", "language"]], test[frames].to_numpy()
    ev = score_predictions("real+demo", test, Y, model.predict_indicator(X), None, frames, n_boot=n_boot)
    tr = score_predictions("demo only", test, Y, baseline.predict_indicator(X), None, frames, n_boot=n_boot)
    P = model.predict_indicator(X)
    none = Y.sum(axis=1) == 0
    sides = []
    for side in sorted(test["side"].unique()) if "side" in test.columns else []:
        m = (test["side"] == side).to_numpy()
        part = score_predictions(side, test[m], Y[m], P[m], None, frames, n_boot=n_boot)
        sides.append({"side": side, "n_docs": part.summary["n_docs"], "n_sentences": part.summary["n_sentences"],
                      "macro_f1": part.summary["macro_f1"], "ci_low": part.summary["macro_f1_low"],
                      "ci_high": part.summary["macro_f1_high"], "micro_f1": part.summary["micro_f1"]})
    no_frame = pd.DataFrame([{"n_no_frame_sentences": int(none.sum()),
                              "share_given_a_frame": float((P[none].sum(axis=1) > 0).mean()) if none.any() else float("nan"),
                              "share_given_a_frame_demo_only": float((baseline.predict_indicator(X)[none].sum(axis=1) > 0).mean())
                              if none.any() else float("nan")}])
    transfer = pd.DataFrame([{"model": name, **{k: e.summary[k] for k in ("macro_f1", "macro_f1_low", "macro_f1_high",
                                                                           "micro_f1", "n_docs", "n_sentences")}}
                             for name, e in (("real+demo (shipped)", ev), ("demo only (constructed text)", tr))])
    summary = {**ev.summary, "transfer_gap": ev.summary["macro_f1"] - tr.summary["macro_f1"],
               "no_frame_share_given_a_frame": float(no_frame.loc[0, "share_given_a_frame"])}
    return {"evaluation": ev.scores, "by_side": pd.DataFrame(sides), "transfer": transfer, "no_frame": no_frame}, summary


def file_sha256(path: str | Path) -> str:
    """sha256 of a file's bytes (recorded in the manifest)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_model(model: Any, summary: dict[str, Any], real: pd.DataFrame, folder: str | Path | None = None,
                annotations: str | Path | None = None) -> Path:
    """Save the model and its manifest: the data it was trained on (annotation files and sha256,
    documents and sentences per split), the settings, and the held-out summary."""
    from .. import __version__
    from ..cache import atomic_write_bytes
    from ..resources import corpora_dir

    folder = Path(folder) if folder else model_path()
    ann = Path(annotations) if annotations else corpora_dir().joinpath(*ANNOTATION_PARTS)
    model.save(folder)
    counts = real.groupby("split").agg(n_docs=("doc_id", "nunique"), n_sentences=("doc_id", "size"))
    from .markers import load_markers

    info = {"package_version": __version__, "settings": SETTINGS, "real_weight": REAL_WEIGHT, "demo_gold": True,
            "markers_version": load_markers().version,
            "annotations": {name: file_sha256(ann / name) for name in ("gold.jsonl", "split.csv")},
            "real_sentences": {s: {k: int(v) for k, v in row.items()} for s, row in counts.to_dict("index").items()},
            "held_out": {k: (round(v, 6) if isinstance(v, float) else v) for k, v in summary.items()}}
    atomic_write_bytes(folder / "manifest.json", (json.dumps(info, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
    return folder

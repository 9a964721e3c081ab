"""Gold annotations as a labels table, the train/test split, and sentence tables from corpora.

The *labels format* (what ``metrics.prevalence`` and ``metrics.crosstab`` read): one row per
sentence with ``doc_id``, ``sent_id``, ``start``, ``end``, ``text`` and one 0/1 column per frame,
in codebook order. Every coder in :mod:`discourse.framing` writes it; :func:`load_gold` reads
``corpora/demo/annotations/gold.jsonl`` into it.

Example
-------
>>> gold = load_gold_set()                       # demo gold + split  # doctest: +SKIP
>>> gold.train().shape[0] > gold.test().shape[0]  # doctest: +SKIP
True
>>> detect_language("外国人犯罪は増加した。"), detect_language("Crime rose.")
('ja', 'en')
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from ..errors import ConfigError, CorpusError, closest, where
from ..resources import resource
from ..text import sentence_spans
from ..text import detect_language  # noqa: F401  (re-exported: one language rule for the package)
from .codebook import Codebook, load_codebook

ID_COLUMNS = ("doc_id", "sent_id", "start", "end", "text")
GOLD_KEYS = ("sent_id", "doc_id", "start", "end", "text", "frames")
SPLITS = ("train", "test")


def _lines(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [line.rstrip("\r\n") for line in fh]


def frame_lists_to_matrix(frame_lists: Sequence[Sequence[str]], frames: Sequence[str], where_: str = "") -> np.ndarray:
    """``[["crime_threat"], []]`` → a 0/1 int matrix (n_sentences, n_frames); unknown ids are errors.

    >>> frame_lists_to_matrix([["b"], [], ["a", "b"]], ["a", "b"]).tolist()
    [[0, 1], [0, 0], [1, 1]]
    """
    index = {f: j for j, f in enumerate(frames)}
    out = np.zeros((len(frame_lists), len(frames)), dtype=np.int8)
    for i, labels in enumerate(frame_lists):
        if isinstance(labels, str):
            raise ConfigError(f"{where_}row {i}: frames must be a list of frame ids, got the string {labels!r}")
        for f in labels:
            if f not in index:
                raise ConfigError(f"{where_}row {i}: unknown frame {f!r}: frames are {list(frames)}")
            out[i, index[f]] = 1
    return out


def matrix_to_frame_lists(matrix: np.ndarray, frames: Sequence[str]) -> list[list[str]]:
    """Inverse of :func:`frame_lists_to_matrix`.

    >>> matrix_to_frame_lists(np.array([[0, 1], [1, 1]]), ["a", "b"])
    [['b'], ['a', 'b']]
    """
    return [[frames[j] for j in np.flatnonzero(row)] for row in np.asarray(matrix)]


def load_gold(path: str | Path | None = None, *, codebook: Codebook | None = None) -> pd.DataFrame:
    """Read gold annotations (JSONL, one sentence a line) into the labels format.

    Parameters
    ----------
    path : default ``corpora/demo/annotations/gold.jsonl``.
    codebook : frames to expect (default: the bundled codebook); an unknown frame id, a
        duplicate ``sent_id`` or a missing key is a :class:`CorpusError` naming file and line.
    """
    path = Path(path) if path else resource("demo", "annotations", "gold.jsonl")
    frames = (codebook or load_codebook()).ids
    rows, lists, seen = [], [], {}
    for n, line in enumerate(_lines(path), 1):  # "\n" only: U+2028 inside a JSON string is not a line break
        if not line.strip():
            continue
        rec = _gold_record(line, path, n, frames)
        if rec["sent_id"] in seen:
            raise CorpusError(f"{where(path, n)}: sent_id {rec['sent_id']!r} is used twice (first on line {seen[rec['sent_id']]})")
        seen[rec["sent_id"]] = n
        rows.append({k: rec[k] for k in ID_COLUMNS})
        lists.append(rec["frames"])
    labels = pd.DataFrame(rows, columns=list(ID_COLUMNS))
    matrix = frame_lists_to_matrix(lists, frames)
    for j, f in enumerate(frames):
        labels[f] = matrix[:, j].astype(int)
    labels.attrs["frames"] = list(frames)
    return labels


def json_record(line: str, path: Path, n: int, keys: Sequence[str]) -> dict[str, Any]:
    """One JSON Lines record with the required ``keys``; errors name the file and line."""
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{where(path, n)}: not valid JSON ({exc.msg} at column {exc.colno})") from None
    missing = [k for k in keys if k not in rec]
    if missing:
        raise CorpusError(f"{where(path, n)}: missing keys {missing}: every line needs {list(keys)}")
    return rec


def _gold_record(line: str, path: Path, n: int, frames: Sequence[str]) -> dict[str, Any]:
    rec = json_record(line, path, n, GOLD_KEYS)
    for f in rec["frames"]:
        if f not in frames:
            raise CorpusError(f"{where(path, n)}: unknown frame {f!r}{closest(f, frames)}: frames are {list(frames)}")
    return rec


def load_split(path: str | Path | None = None) -> pd.DataFrame:
    """Read the train/test split by document (``doc_id``, ``side``, ``language``, ``split``)."""
    path = Path(path) if path else resource("demo", "annotations", "split.csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        table = pd.DataFrame(list(csv.DictReader(fh)))
    for col in ("doc_id", "split"):
        if col not in table.columns:
            raise CorpusError(f"{path}: missing column {col!r}: the split needs doc_id and split (train/test)")
    bad = table.index[~table["split"].isin(SPLITS)]
    if len(bad):
        row = int(bad[0])
        raise CorpusError(f"{where(path, row + 2)}: split {table.loc[row, 'split']!r} is not one of {list(SPLITS)}")
    if table["doc_id"].duplicated().any():
        dup = table.loc[table["doc_id"].duplicated(), "doc_id"].iloc[0]
        raise CorpusError(f"{path}: doc_id {dup!r} appears twice in the split")
    return table


@dataclass(frozen=True)
class GoldSet:
    """Gold labels joined with the document split.

    Attributes
    ----------
    labels : the labels format (``doc_id``, ``sent_id``, ``start``, ``end``, ``text`` + frames).
    frames : frame ids (codebook order).
    split : per sentence, ``"train"`` or ``"test"`` (aligned with ``labels``).
    language : per sentence, ``"ja"`` or ``"en"`` (from the split table, else detected).
    """

    labels: pd.DataFrame
    frames: tuple[str, ...]
    split: np.ndarray
    language: np.ndarray

    def part(self, name: str) -> pd.DataFrame:
        """The labels of the ``train`` or ``test`` documents (with a ``language`` column)."""
        if name not in SPLITS:
            raise ConfigError(f"part={name!r} is not one of {list(SPLITS)}")
        mask = self.split == name
        return self.labels[mask].assign(language=self.language[mask]).reset_index(drop=True)

    def train(self) -> pd.DataFrame:
        return self.part("train")

    def test(self) -> pd.DataFrame:
        return self.part("test")

    def Y(self, labels: pd.DataFrame) -> np.ndarray:
        """The 0/1 frame matrix of a labels table."""
        return labels[list(self.frames)].to_numpy(dtype=np.int8)


def load_gold_set(gold: str | Path | None = None, split: str | Path | None = None, *,
                  codebook: Codebook | None = None) -> GoldSet:
    """Gold annotations + split (defaults: the demo corpus). Documents missing from the split are
    an error: every annotated document must be either train or test."""
    cb = codebook or load_codebook()
    labels = load_gold(gold, codebook=cb)
    table = load_split(split).set_index("doc_id")
    missing = sorted(set(labels["doc_id"]) - set(table.index))
    if missing:
        raise CorpusError(f"split file lacks {len(missing)} annotated documents, e.g. {missing[:3]}: rebuild the split")
    sp = table.loc[labels["doc_id"], "split"].to_numpy()
    if "language" in table.columns:
        lang = table.loc[labels["doc_id"], "language"].to_numpy()
    else:
        lang = np.array([detect_language(t) for t in labels["text"]])
    return GoldSet(labels=labels, frames=cb.ids, split=np.asarray(sp, dtype=object), language=np.asarray(lang, dtype=object))


def corpus_sentences(corpus: Any) -> pd.DataFrame:
    """Split every document of a corpus into sentences (``discourse.text.sentence_spans``).

    Returns ``doc_id``, ``sent_id`` (``"<doc_id>:<nnn>"``, as in the gold file), ``start``,
    ``end``, ``text``, ``language``.

    >>> from discourse.corpus import Corpus, Document
    >>> corpus_sentences(Corpus([Document("d1", "治安が悪化した。本当か？")]))["text"].tolist()
    ['治安が悪化した。', '本当か？']
    """
    rows = []
    for doc in corpus:
        lang = doc.language or "ja"
        for n, (s, e) in enumerate(sentence_spans(doc.text, lang)):
            rows.append((doc.doc_id, f"{doc.doc_id}:{n:03d}", s, e, doc.text[s:e], lang))
    return pd.DataFrame(rows, columns=[*ID_COLUMNS, "language"])


def as_sentence_table(X: Any, *, language: str = "auto") -> pd.DataFrame:
    """Normalise the inputs every coder accepts to a table with ``text``, ``language``, ``doc_id``.

    ``X`` is a list of strings, a Series, or a DataFrame with a ``text`` column (and optionally
    ``language`` and ``doc_id``). ``language="auto"`` detects each sentence's language
    (:func:`detect_language`) when there is no ``language`` column.
    """
    if isinstance(X, pd.DataFrame):
        if "text" not in X.columns:
            raise ConfigError(f"the sentence table needs a 'text' column (has {list(X.columns)})")
        table = X.reset_index(drop=True).copy()
    elif isinstance(X, str):
        raise ConfigError("give a list of sentences, not one string: wrap it as [sentence]")
    else:
        table = pd.DataFrame({"text": list(X)})
    table["text"] = table["text"].astype(str)
    if "language" not in table.columns:
        table["language"] = _languages(table["text"], language)
    if "doc_id" not in table.columns:
        table["doc_id"] = [f"s{i}" for i in range(len(table))]
    return table


def _languages(texts: Iterable[str], language: str) -> list[str]:
    if language == "auto":
        return [detect_language(t) for t in texts]
    if language not in ("ja", "en"):
        raise ConfigError(f"language={language!r} is not one of ['auto', 'ja', 'en']")
    return [language for _ in texts]


def labels_table(sentences: pd.DataFrame, matrix: np.ndarray, frames: Sequence[str]) -> pd.DataFrame:
    """Assemble the labels format from a sentence table and a 0/1 matrix."""
    cols = [c for c in ID_COLUMNS if c in sentences.columns]
    out = sentences[cols].reset_index(drop=True).copy()
    for j, f in enumerate(frames):
        out[f] = np.asarray(matrix)[:, j].astype(int)
    out.attrs["frames"] = list(frames)
    return out


def document_shares(labels: pd.DataFrame, frames: Sequence[str]) -> pd.DataFrame:
    """Per document: ``n_sentences`` and the share of its sentences carrying each frame."""
    grouped = labels.groupby("doc_id", sort=False)
    shares = grouped[list(frames)].mean()
    shares.insert(0, "n_sentences", grouped.size())
    return shares.reset_index()


@dataclass(frozen=True)
class FrameCoding:
    """Frames of a corpus from one coder.

    Attributes
    ----------
    labels : sentence labels in the labels format (feeds ``metrics.prevalence``/``crosstab``).
    scores : per sentence, one column per frame: probabilities (classifier) or rule match counts
        (dictionary), with ``doc_id`` and ``sent_id``.
    documents : per document, ``n_sentences`` and the share of sentences carrying each frame.
    """

    labels: pd.DataFrame
    scores: pd.DataFrame
    documents: pd.DataFrame


def frame_coding(sentences: pd.DataFrame, matrix: np.ndarray, scores: np.ndarray, frames: Sequence[str]) -> FrameCoding:
    """Bundle a coder's output over a sentence table into a :class:`FrameCoding`."""
    labels = labels_table(sentences, matrix, frames)
    score_table = sentences[[c for c in ("doc_id", "sent_id") if c in sentences.columns]].reset_index(drop=True).copy()
    for j, f in enumerate(frames):
        score_table[f] = np.asarray(scores)[:, j]
    return FrameCoding(labels, score_table, document_shares(labels, frames))

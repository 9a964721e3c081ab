"""The evaluation protocol on an annotated corpus (default: the demo corpus), end to end.

1. ``C`` of the classifier is chosen by grouped cross-validation on the TRAIN documents
   (:func:`~discourse.framing.evaluate.tune_C`); inside every fit, thresholds and calibration
   come from a grouped cross-validation of that fit's own training data.
2. The classifier is fitted on all TRAIN documents and evaluated once on the TEST documents; the
   dictionary coder (codebook cues) is evaluated on the same TEST documents.
3. Intervals resample TEST documents; the threat-vs-rebuttal confusion, English sentences on
   their own, and a learning curve (fits on growing subsets of TRAIN documents) complete it.

Example
-------
>>> report = evaluate_demo(n_boot=200, learning=False)   # doctest: +SKIP
>>> print(report.markdown())                             # doctest: +SKIP
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import pandas as pd
from sklearn.base import clone

from .classifier import FramingClassifier
from .data import GoldSet, load_gold_set
from .dictionary import DictionaryCoder
from .evaluate import Evaluation, evaluate_holdout, feature_cache, learning_curve, side_by_side, tune_C

TARGET_MACRO, TARGET_FRAME = 0.75, 0.60


@dataclass(frozen=True)
class DemoEvaluation:
    """Results of :func:`evaluate_demo` (all numbers from TEST documents only)."""

    classifier: Evaluation
    dictionary: Evaluation
    C: float
    C_table: pd.DataFrame
    learning: pd.DataFrame
    sizes: dict[str, int]
    params: dict[str, Any] = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        """Per-frame precision, recall, F1 (interval) of both coders side by side."""
        return side_by_side(self.classifier, self.dictionary)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every result as a tidy table, keyed by a file-friendly name (for run folders and the CLI):
        ``frames_evaluation`` (per frame, both coders), ``frames_summary`` (one row per coder),
        ``frames_pair_confusion``, ``frames_by_language``, ``frames_test_predictions``,
        ``frames_learning_curve`` and ``frames_C_tuning`` (when computed)."""
        summary = pd.DataFrame([{"coder": ev.name, **ev.summary} for ev in (self.classifier, self.dictionary)])
        by_lang = pd.concat([ev.by_language.assign(coder=ev.name) for ev in (self.classifier, self.dictionary)],
                            ignore_index=True)
        out = {"frames_evaluation": self.table(), "frames_summary": summary,
               "frames_pair_confusion": self.classifier.pair.reset_index(), "frames_by_language": by_lang,
               "frames_test_predictions": self.classifier.predictions}
        if len(self.learning):
            out["frames_learning_curve"] = self.learning
        if len(self.C_table):
            out["frames_C_tuning"] = self.C_table
        return out

    def targets_met(self) -> dict[str, bool]:
        s, d = self.classifier.summary, self.dictionary.summary
        return {"macro_f1 >= 0.75": s["macro_f1"] >= TARGET_MACRO, "every frame >= 0.6": s["min_frame_f1"] >= TARGET_FRAME,
                "beats dictionary": s["macro_f1"] > d["macro_f1"]}

    def markdown(self) -> str:
        """The README table: per frame and overall, both coders, with 95% document-bootstrap intervals."""
        c, d = self.classifier.scores.set_index("frame"), self.dictionary.scores.set_index("frame")
        lines = ["| frame | support | classifier P | classifier R | classifier F1 (95% CI) | dictionary F1 (95% CI) |",
                 "|---|---|---|---|---|---|"]
        for frame in c.index:
            r, q = c.loc[frame], d.loc[frame]
            lines.append(f"| {frame} | {int(r['support'])} | {r['precision']:.2f} | {r['recall']:.2f} | "
                         f"{_ci(r)} | {_ci(q)} |")
        cs, ds = self.classifier.summary, self.dictionary.summary
        lines.append(f"| LRAP | | | | {cs['lrap']:.2f} ({cs['lrap_low']:.2f}-{cs['lrap_high']:.2f}) | "
                     f"{ds['lrap']:.2f} ({ds['lrap_low']:.2f}-{ds['lrap_high']:.2f}) |")
        return "\n".join(lines)

    def summary_text(self) -> str:
        """A few lines: sizes, the chosen C, the headline numbers and the targets."""
        s, d, z = self.classifier.summary, self.dictionary.summary, self.sizes
        pair = self.classifier.pair
        lines = [f"train: {z['train_docs']} documents / {z['train_sentences']} sentences; "
                 f"test: {z['test_docs']} documents / {z['test_sentences']} sentences (never seen in fitting or tuning)",
                 f"C chosen by 5-fold grouped CV on train: {self.C:g}",
                 f"classifier macro-F1 {s['macro_f1']:.3f} ({s['macro_f1_low']:.3f}-{s['macro_f1_high']:.3f}), "
                 f"micro-F1 {s['micro_f1']:.3f}, LRAP {s['lrap']:.3f}, lowest frame F1 {s['min_frame_f1']:.3f}",
                 f"dictionary macro-F1 {d['macro_f1']:.3f} ({d['macro_f1_low']:.3f}-{d['macro_f1_high']:.3f}), "
                 f"micro-F1 {d['micro_f1']:.3f}, lowest frame F1 {d['min_frame_f1']:.3f}",
                 "targets: " + ", ".join(f"{k}: {'yes' if v else 'NO'}" for k, v in self.targets_met().items())]
        if not pair.empty:
            lines.append("statistical_threat vs statistical_rebuttal (rows gold, columns predicted):\n" + pair.to_string())
        lines.append("by language (classifier):\n" + self.classifier.by_language.round(3).to_string(index=False))
        lines.append("by language (dictionary):\n" + self.dictionary.by_language.round(3).to_string(index=False))
        if len(self.learning):
            curve = self.learning.groupby("fraction").agg(n_sentences=("n_sentences", "mean"), macro_f1=("macro_f1", "mean"),
                                                          sd=("macro_f1", "std")).round(3)
            lines.append("learning curve (test macro-F1 against training sentences):\n" + curve.to_string())
        return "\n".join(lines)


def _ci(row: pd.Series) -> str:
    return f"{row['f1']:.2f} ({row['ci_low']:.2f}-{row['ci_high']:.2f})"


def evaluate_demo(gold: GoldSet | None = None, *, classifier: FramingClassifier | None = None, codebook: Any = None,
                  Cs: Sequence[float] = (1.0, 3.0, 10.0, 30.0), C: float | None = None, n_boot: int = 1000,
                  learning: bool = True, fractions: Sequence[float] = (0.1, 0.25, 0.5, 0.75, 1.0), n_repeats: int = 3,
                  random_state: int = 0) -> DemoEvaluation:
    """Run the protocol of the module docstring; ``C`` given skips step 1's tuning; ``codebook``
    (a :class:`Codebook`) drives both the dictionary coder and the classifier's cue features."""
    gold = gold or load_gold_set()
    train, test, frames = gold.train(), gold.test(), list(gold.frames)
    base = classifier or FramingClassifier(codebook=codebook, random_state=random_state)
    features = feature_cache(base, train, test)      # every sentence's features extracted once
    if C is None:
        C, table = tune_C(base, train, Cs=Cs, frames=frames, random_state=random_state, features=features)
    else:
        table = pd.DataFrame()
    model = clone(base).set_params(C=C)
    clf = evaluate_holdout(model, train, test, frames=frames, name="classifier", n_boot=n_boot, random_state=random_state,
                           features=features)
    dic = evaluate_holdout(DictionaryCoder(codebook=codebook), train, test, frames=frames, name="dictionary", n_boot=n_boot,
                           random_state=random_state)
    curve = learning_curve(model, train, test, frames=frames, fractions=fractions, n_repeats=n_repeats,
                           random_state=random_state, features=features) if learning else pd.DataFrame()
    sizes = {"train_docs": int(train["doc_id"].nunique()), "train_sentences": len(train),
             "test_docs": int(test["doc_id"].nunique()), "test_sentences": len(test)}
    return DemoEvaluation(clf, dic, float(C), table, curve, sizes, model.get_params())

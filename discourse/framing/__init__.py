"""Framing: codebooks, dictionary coding, supervised classifiers, evaluation, annotation and agreement.

Example
-------
>>> from discourse.framing import DictionaryCoder, FramingClassifier, load_gold_set
>>> gold = load_gold_set()                                               # doctest: +SKIP
>>> clf = FramingClassifier().fit(gold.train(), gold.Y(gold.train()))   # doctest: +SKIP
>>> clf.predict(["来日外国人の検挙件数は前年より増加した。"])              # doctest: +SKIP
"""
from __future__ import annotations

from .._internal.lazy import exported, lazy_exports

# each module is imported when one of its names is first used (the data and codebook modules do not
# load scikit-learn; the classifier does)
_EXPORTS = {
    "codebook": ["Codebook", "Frame", "load_codebook"],
    "agreement": ["cohen_kappa", "krippendorff_alpha", "frame_agreement", "set_agreement", "agreement_tables",
                  "masi_distance", "alpha_distance"],
    "rules": ["Rule", "RuleSet", "RuleError", "parse_rule", "parse_rules", "read_rules"],
    "dictionary": ["DictionaryCoder", "CueMatcher", "codebook_rules"],
    "classifier": ["FramingClassifier", "save_model", "load_model"],
    "explain": ["Explanation", "explain", "top_features"],
    "data": ["FrameCoding", "GoldSet", "load_gold", "load_split", "load_gold_set", "corpus_sentences", "detect_language",
             "document_shares", "frame_lists_to_matrix", "matrix_to_frame_lists"],
    "evaluate": ["Evaluation", "evaluate_holdout", "cross_validate", "grouped_folds", "tune_C", "learning_curve",
                 "side_by_side"],
    "scores": ["prf_table", "lrap", "bootstrap_intervals", "pair_confusion", "frame_confusion"],
    "demo": ["DemoEvaluation", "evaluate_demo"],
    "annotate": ["export_annotation", "import_annotation", "annotation_table", "AnnotationError"],
    "active": ["rank_for_annotation", "uncertainty"],
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
__all__ = exported(_EXPORTS)

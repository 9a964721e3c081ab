"""Framing: codebooks, dictionary coding, supervised classifiers, evaluation, annotation and agreement.

Example
-------
>>> from discourse.framing import DictionaryCoder, FramingClassifier, load_gold_set
>>> gold = load_gold_set()                                               # doctest: +SKIP
>>> clf = FramingClassifier().fit(gold.train(), gold.Y(gold.train()))   # doctest: +SKIP
>>> clf.predict(["来日外国人の検挙件数は前年より増加した。"])              # doctest: +SKIP
"""
from __future__ import annotations

from .active import rank_for_annotation, uncertainty
from .agreement import (agreement_tables, alpha_distance, cohen_kappa, frame_agreement, krippendorff_alpha, masi_distance,
                        set_agreement)
from .annotate import AnnotationError, annotation_table, export_annotation, import_annotation
from .classifier import FramingClassifier, load_model, save_model
from .codebook import Codebook, Frame, load_codebook
from .data import (FrameCoding, GoldSet, corpus_sentences, detect_language, document_shares, frame_lists_to_matrix,
                   load_gold, load_gold_set, load_split, matrix_to_frame_lists)
from .demo import DemoEvaluation, evaluate_demo
from .dictionary import CueMatcher, DictionaryCoder, codebook_rules
from .evaluate import (Evaluation, cross_validate, evaluate_holdout, grouped_folds, learning_curve, side_by_side,
                       tune_C)
from .explain import Explanation, explain, top_features
from .rules import Rule, RuleError, RuleSet, parse_rule, parse_rules, read_rules
from .scores import bootstrap_intervals, frame_confusion, lrap, pair_confusion, prf_table

__all__ = [
    "Codebook", "Frame", "load_codebook", "cohen_kappa", "krippendorff_alpha", "frame_agreement", "set_agreement", "agreement_tables",
    "masi_distance", "alpha_distance",
    "Rule", "RuleSet", "RuleError", "parse_rule", "parse_rules", "read_rules",
    "DictionaryCoder", "CueMatcher", "codebook_rules",
    "FramingClassifier", "Explanation", "explain", "top_features", "save_model", "load_model",
    "FrameCoding", "GoldSet", "load_gold", "load_split", "load_gold_set", "corpus_sentences", "detect_language",
    "document_shares", "frame_lists_to_matrix", "matrix_to_frame_lists",
    "Evaluation", "evaluate_holdout", "cross_validate", "grouped_folds", "tune_C", "learning_curve", "side_by_side",
    "prf_table", "lrap", "bootstrap_intervals", "pair_confusion", "frame_confusion",
    "DemoEvaluation", "evaluate_demo",
    "export_annotation", "import_annotation", "annotation_table", "AnnotationError",
    "rank_for_annotation", "uncertainty",
]

"""Framing: codebooks, dictionary coding, supervised classifiers, evaluation and agreement."""
from __future__ import annotations

from .agreement import cohen_kappa, frame_agreement, krippendorff_alpha
from .codebook import Codebook, Frame, load_codebook

__all__ = ["Codebook", "Frame", "load_codebook", "cohen_kappa", "krippendorff_alpha", "frame_agreement"]

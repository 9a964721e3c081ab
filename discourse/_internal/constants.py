"""Numeric constants used by more than one module (one definition each)."""
from __future__ import annotations

#: Decision threshold of a frame that never occurred in training: no score reaches it.
NEVER = 1e9
#: Tolerance when comparing floating-point scores for ties (best F1 cut, permutation p values).
TIE_TOLERANCE = 1e-12
#: Smallest Platt slope kept: a non-positive fitted slope is replaced by this (scores keep their order).
MIN_PLATT_SLOPE = 1e-6
#: Logits are clipped to +-LOGIT_CLIP before the sigmoid where an infinite threshold may occur.
LOGIT_CLIP = 50.0

"""Shared test set-up: benchmark scripts run by tests write their results to a temporary folder,
never over the measured results committed in ``benchmarks/results/``."""
from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _bench_results_elsewhere(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench-results")
    previous = os.environ.get("DISCOURSE_BENCH_RESULTS")
    os.environ["DISCOURSE_BENCH_RESULTS"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("DISCOURSE_BENCH_RESULTS", None)
    else:
        os.environ["DISCOURSE_BENCH_RESULTS"] = previous

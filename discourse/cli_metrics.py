"""CLI commands over the metrics, topics and framing modules (registered into ``discourse.cli``)."""
from __future__ import annotations

import argparse


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add metric subcommands (filled in as the modules land)."""

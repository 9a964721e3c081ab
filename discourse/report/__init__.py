"""Report: figures with Japanese labels and the self-contained HTML report."""

"""The graph: the handle every command receives, on-disk stores, labels, describe/search/summary."""

"""One module per command, each with ``run(...) -> int``; ``governance.main`` dispatches to them."""

"""An installed rule plugin, for tests: a real distribution (``.dist-info`` with an
``entry_points.txt``) in a folder put on ``sys.path``, found by ``importlib.metadata`` exactly as
a package installed with pip would be."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def installed_plugin(site: Path, name: str, module: str, source: str) -> Iterator[Path]:
    """Install ``module`` (with ``source``) as a distribution whose ``govern.rules`` entry point
    is ``name``; removed from ``sys.path`` and ``sys.modules`` afterwards."""
    site.mkdir(parents=True, exist_ok=True)
    (site / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = site / f"{module}-0.1.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {module}\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(f"[govern.rules]\n{name} = {module}\n", encoding="utf-8")
    sys.path.insert(0, str(site))
    try:
        yield site
    finally:
        sys.path.remove(str(site))
        sys.modules.pop(module, None)

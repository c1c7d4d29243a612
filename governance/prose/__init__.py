"""Prose understanding (pure functions, no I/O).

* :mod:`governance.prose.text` — noise-filtered text (:func:`readable`, :func:`normalise`),
  sentences, and a word-level diff with typed segments (:func:`word_diff`).
* :mod:`governance.prose.claims` — what each sentence claims: organisations receiving or setting
  data, sharing, purposes, scope, data categories, transfers, retention, consent defaults,
  controls and signals, promises with their negation.
* :mod:`governance.prose.compare` — :func:`compare_prose`: the changes in meaning between two
  versions, each typed with the rule id it feeds.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from governance.prose.claims import SentenceClaims, extract_claims
    from governance.prose.compare import (
        CatalogMatch,
        Covered,
        ProseChange,
        Unit,
        compare_documents,
        compare_prose,
    )
    from governance.prose.text import (
        Segment,
        compact_diff,
        flat,
        normalise,
        readable,
        same_meaning_text,
        sentences,
        word_diff,
    )

# Loaded on first use: the claim patterns take a while to compile, and `govern check` on a
# change without prose should not pay for them.
_LAZY = {
    "SentenceClaims": "claims",
    "extract_claims": "claims",
    "CatalogMatch": "compare",
    "Covered": "compare",
    "ProseChange": "compare",
    "Unit": "compare",
    "compare_documents": "compare",
    "compare_prose": "compare",
    "Segment": "text",
    "compact_diff": "text",
    "flat": "text",
    "normalise": "text",
    "readable": "text",
    "same_meaning_text": "text",
    "sentences": "text",
    "word_diff": "text",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'governance.prose' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"governance.prose.{module}"), name)
    globals()[name] = value
    return value


_MEANING_RULES = frozenset(
    {"commitment-removed", "data-leaves-device", "consent-weakened", "sharing-expanded"}
)


def same_promise(old: str, new: str) -> bool:
    """True when ``new`` restates the promise of ``old`` (same subject, same polarity).

    For matching a commitment or control whose wording changed: "never leave your device" and
    "stay on your device" are the same promise; "are not shared with ad networks" and "are
    shared with ad partners" are not, nor "are not sold to ad networks" (another act), nor two
    unrelated promises. The new wording must keep every concept of the old one (what is done,
    for what, with whom, which data, where); it may add some.
    """
    from governance.prose.claims import extract_claims, promise_concepts, signature, similarity
    from governance.prose.compare import compare_prose
    from governance.prose.text import normalise

    if normalise(old) == normalise(new):
        return True
    if any(change.rule in _MEANING_RULES for change in compare_prose(old, new)):
        return False
    if not promise_concepts(old) <= promise_concepts(new):
        return False  # "not shared" → "not sold", "not for ads" → "not for profiling"
    old_claims, new_claims = extract_claims(old), extract_claims(new)
    old_key = frozenset().union(*(c.key for c in old_claims)) if old_claims else frozenset()
    new_key = frozenset().union(*(c.key for c in new_claims)) if new_claims else frozenset()
    if similarity(old_key, new_key) >= 0.5:
        return True
    old_controls = set().union(*(c.controls for c in old_claims)) if old_claims else set()
    new_controls = set().union(*(c.controls for c in new_claims)) if new_claims else set()
    if old_controls and old_controls == new_controls:
        return True
    old_local = any(c.device_local for c in old_claims)
    return (
        old_local
        and any(c.device_local for c in new_claims)
        and bool(
            signature(" ".join(normalise(old).split()))
            & signature(" ".join(normalise(new).split()))
        )
    )


__all__ = [
    "CatalogMatch",
    "Covered",
    "ProseChange",
    "Segment",
    "SentenceClaims",
    "Unit",
    "compact_diff",
    "compare_documents",
    "compare_prose",
    "extract_claims",
    "flat",
    "normalise",
    "readable",
    "same_meaning_text",
    "same_promise",
    "sentences",
    "word_diff",
]

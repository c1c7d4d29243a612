"""Pairing old and new entries by the words they share, in near-linear time.

Comparing every old sentence (row, promise) with every new one costs n × m similarity tests: a
table of 4,000 rows that all changed is 16 million of them. Here each entry is compared only with
the few old entries that share its rarer words (an inverted index; words found in very many
entries do not propose candidates, since they say little about which entry is which), and
entries with identical word sets pair directly. Candidates are then taken best first, each entry
used once, ties going to the entry in the same group (the same item, the same section) and then
to the nearest position.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

Token = TypeVar("Token", bound=Hashable)

MAX_CANDIDATES = 24  # old entries scored per new entry
COMMON = 48  # a word in more old entries than this proposes no candidates of its own


def dice(a: frozenset[Hashable], b: frozenset[Hashable]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def candidates(
    old_keys: Sequence[frozenset[Token]],
    new_keys: Sequence[frozenset[Token]],
    *,
    limit: int = MAX_CANDIDATES,
    common: int = COMMON,
) -> list[list[int]]:
    """For each new key, the old positions worth scoring (at most ``limit``), best guesses first.

    Old keys equal to the new key come first, then the old keys sharing the most uncommon words.
    A key made only of common words is offered the old entries around its own relative position
    that contain its rarest word.
    """
    exact: dict[frozenset[Token], list[int]] = {}
    postings: dict[Token, list[int]] = {}
    for position, key in enumerate(old_keys):
        exact.setdefault(key, []).append(position)
        for token in key:
            postings.setdefault(token, []).append(position)
    result: list[list[int]] = []
    scale = len(old_keys) / max(len(new_keys), 1)
    for new_position, key in enumerate(new_keys):
        here = round(new_position * scale)
        chosen = _nearest(exact.get(key, []), here, limit)
        if len(chosen) < limit and key:
            shared: Counter[int] = Counter()
            rarest: list[int] | None = None
            for token in key:
                posting = postings.get(token)
                if posting is None:
                    continue
                if rarest is None or len(posting) < len(rarest):
                    rarest = posting
                if len(posting) <= common:
                    shared.update(posting)
            picked = set(chosen)
            ranked = sorted(shared.items(), key=lambda kv: (-kv[1], abs(kv[0] - here)))
            for position, _ in ranked:
                if len(chosen) >= limit:
                    break
                if position not in picked:
                    chosen.append(position)
                    picked.add(position)
            if not ranked and rarest is not None:
                for position in _nearest(rarest, here, limit - len(chosen)):
                    if position not in picked:
                        chosen.append(position)
        result.append(chosen)
    return result


def _nearest(positions: list[int], here: int, count: int) -> list[int]:
    """Up to ``count`` of the sorted ``positions``, the closest to ``here`` first."""
    if count <= 0 or not positions:
        return []
    if len(positions) <= count:
        return sorted(positions, key=lambda p: abs(p - here))
    from bisect import bisect_left

    middle = bisect_left(positions, here)
    low, high = max(0, middle - count), min(len(positions), middle + count)
    return sorted(positions[low:high], key=lambda p: abs(p - here))[:count]


def pair_best(
    old_keys: Sequence[frozenset[Token]],
    new_keys: Sequence[frozenset[Token]],
    score: Callable[[int, int], float],
    threshold: float,
    *,
    old_groups: Sequence[Hashable] | None = None,
    new_groups: Sequence[Hashable] | None = None,
    limit: int = MAX_CANDIDATES,
) -> list[tuple[int, int, float]]:
    """(old, new, score) pairs scoring at least ``threshold``, best first, each entry once.

    ``score(old, new)`` is called only on candidates; equal scores prefer the same group, then
    the nearest position.
    """
    found: list[tuple[float, int, int, int, int]] = []
    scale = len(old_keys) / max(len(new_keys), 1)
    for new_position, olds in enumerate(candidates(old_keys, new_keys, limit=limit)):
        for old_position in olds:
            value = score(old_position, new_position)
            if value >= threshold:
                apart = 0 if old_groups is None or new_groups is None else 1
                if apart and old_groups is not None and new_groups is not None:
                    apart = int(old_groups[old_position] != new_groups[new_position])
                distance = abs(old_position - round(new_position * scale))
                found.append((-value, apart, distance, new_position, old_position))
    found.sort()
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs: list[tuple[int, int, float]] = []
    for negative, _, _, new_position, old_position in found:
        if new_position in used_new or old_position in used_old:
            continue
        used_new.add(new_position)
        used_old.add(old_position)
        pairs.append((old_position, new_position, -negative))
    return pairs

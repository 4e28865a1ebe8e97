"""Near-duplicate and syndicated copies: MinHash over word shingles, LSH banding for lookup.

The band keys go into the store's index, so finding candidates for a new article is a lookup,
not a scan over every stored article.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
from datasketch import MinHash

from storyline.extract.outlets import same_outlet
from storyline.records import Article
from storyline.settings import SETTINGS as S

NUM_PERM = S.minhash_permutations
BANDS = S.lsh_bands
ROWS = NUM_PERM // BANDS
SHINGLE = S.shingle_words
COPY_THRESHOLD = S.copy_threshold


def shingles(text: str, k: int = SHINGLE) -> set[bytes]:
    tokens = re.findall(r"\w+", text.lower())
    if len(tokens) < k:
        return {" ".join(tokens).encode()}
    return {" ".join(tokens[i : i + k]).encode() for i in range(len(tokens) - k + 1)}


def signature(text: str) -> tuple[int, ...]:
    m = MinHash(num_perm=NUM_PERM, seed=1)
    m.update_batch(list(shingles(text)))
    return tuple(int(x) for x in m.hashvalues)


def band_keys(sig: tuple[int, ...]) -> list[str]:
    out = []
    for b in range(BANDS):
        chunk = ",".join(str(x) for x in sig[b * ROWS : (b + 1) * ROWS])
        out.append(f"{b}:{hashlib.blake2b(chunk.encode(), digest_size=8).hexdigest()}")
    return out


def similarity(a: tuple[int, ...] | np.ndarray, b: tuple[int, ...] | np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.mean(np.asarray(a, dtype=np.uint64) == np.asarray(b, dtype=np.uint64)))


def find_copy(sig: tuple[int, ...], candidates: list[tuple[str, tuple[int, ...]]]) -> tuple[str, float] | None:
    """The most similar earlier article if this one is a copy of it."""
    best = max(((aid, similarity(sig, other)) for aid, other in candidates), key=lambda x: x[1], default=None)
    if best and best[1] >= COPY_THRESHOLD:
        return best
    return None


def new_is_original(new: Article, old: Article) -> bool:
    """Which of two copies is the original: the outlet named in the wire dateline, else the earlier one."""
    for a, b in ((new, old), (old, new)):
        agencies = re.findall(r"\(([^()]{1,60})\)", b.dateline or "")
        if any(same_outlet(x, a.outlet) for x in agencies) and not same_outlet(b.outlet, a.outlet):
            return a is new
    if new.published and old.published and new.published[:10] != old.published[:10]:
        return new.published < old.published
    return False

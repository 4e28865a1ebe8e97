"""The store's text embeddings: one vector per distinct text, keyed by `records.vector_key`."""

from __future__ import annotations

import numpy as np

from storyline.store.connection import StoreBase


class VectorStore(StoreBase):
    """Text embeddings, written with each article at ingest and read by dossiers."""

    def text_vectors(self, hashes: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(hashes), 500):
            chunk = hashes[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for r in self.db.execute(f"SELECT hash, vector FROM sentence_vectors WHERE hash IN ({marks})", chunk):
                out[r[0]] = np.frombuffer(r[1], dtype=np.float32)
        return out

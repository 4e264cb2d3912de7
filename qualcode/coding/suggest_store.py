"""Saving and loading a trained suggestion model (qualcode.coding.suggest_model).

The model is saved next to a SQLite project (``.<file>.suggest.npz``) or, for a server
database, under ``$QUALCODE_MODEL_DIR`` (default ``~/.cache/qualcode/models``) by a hash of its
URL, with the project's data version it was trained on. A process that starts on the project
loads it in well under a second instead of training again. The file holds only numbers and
text in numpy's ``.npz`` and JSON (no pickle: loading it never runs code).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

import numpy as np

from ..store.project import Project
from .suggest_model import MODEL_FORMAT, SuggestModel

ENV_DIR = "QUALCODE_MODEL_DIR"


def model_path(project: Project) -> Path:
    if os.environ.get(ENV_DIR):
        base = Path(os.environ[ENV_DIR])
    elif project.is_sqlite and project.engine.url.database not in (None, "", ":memory:"):
        db = Path(project.engine.url.database)
        return db.parent / f".{db.name}.suggest.npz"
    else:
        base = Path.home() / ".cache" / "qualcode" / "models"
    digest = hashlib.sha1(project.url.encode()).hexdigest()[:20]
    return base / f"{digest}.suggest.npz"


def save(model: SuggestModel, path: Path) -> None:
    from scipy.sparse import csr_matrix

    qx = model.all_quote_x if model.quote_x is not None else csr_matrix((0, len(model.columns)))
    qx = qx.tocsr()
    code_ptr = np.cumsum([0] + [len(c) for c in model.quote_codes]).astype(np.int64)
    code_flat = np.fromiter((c for cs in model.quote_codes for c in sorted(cs)), np.int64)
    meta = {"format": MODEL_FORMAT, "code_ids": list(map(int, model.code_ids)),
            "platt": list(model.platt), "version": model.version,
            "data_version": model.data_version, "trained_at": model.trained_at,
            "n_examples": model.n_examples, "pending": model.pending,
            "max_coding_id": model.max_coding_id, "n_codings": model.n_codings,
            "quote_refs": [r if isinstance(r, int) else None for r in model.quote_refs],
            "quote_texts": model.quote_texts}
    buffer = io.BytesIO()
    np.savez(buffer, columns=model.columns, idf=model.idf,
             weights=model.weights.astype(np.float32), bias=model.bias,
             qx_data=qx.data.astype(np.float32), qx_indices=qx.indices, qx_indptr=qx.indptr,
             qx_shape=np.array(qx.shape), code_ptr=code_ptr, code_flat=code_flat,
             meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), np.uint8))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_bytes(buffer.getvalue())
    os.replace(tmp, path)


def load(path: Path) -> SuggestModel | None:
    """The saved model, or None when there is none or it is unreadable or of another format
    (it is then trained again)."""
    from scipy.sparse import csr_matrix

    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(bytes(z["meta"]).decode())
            if meta.get("format") != MODEL_FORMAT:
                return None
            # float32 in memory too (the similar-quote search needs no more): half the size
            qx = csr_matrix((z["qx_data"].astype(np.float32), z["qx_indices"], z["qx_indptr"]),
                            shape=tuple(z["qx_shape"]))
            ptr, flat = z["code_ptr"], z["code_flat"]
            codes = [tuple(flat[ptr[i]:ptr[i + 1]].tolist()) for i in range(len(ptr) - 1)]
            return SuggestModel(
                code_ids=meta["code_ids"], columns=z["columns"], idf=z["idf"],
                weights=z["weights"], bias=z["bias"], platt=tuple(meta["platt"]),
                quote_x=qx, quote_codes=codes, quote_refs=meta["quote_refs"],
                quote_texts=meta["quote_texts"], version=meta["version"],
                data_version=meta["data_version"], trained_at=meta["trained_at"],
                n_examples=meta["n_examples"], pending=meta["pending"],
                max_coding_id=meta.get("max_coding_id", 0),
                n_codings=meta.get("n_codings", 0))
    except (OSError, ValueError, KeyError, EOFError):
        return None

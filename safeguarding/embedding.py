"""The local embedding model: WordLlama's token embeddings (256 dimensions), which the
`wordllama` package ships in its wheel. Read once per process, on first use; nothing is
downloaded. Crisis triage's learned layer (crisis_scorer.py) and similar questions
(similar/) read the same model, so a process holds it once."""

from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

DIMENSIONS = 256


@lru_cache(maxsize=1)
def embedder() -> Any:
    import wordllama

    # The wheel holds the 256-dimension weights and their tokenizer; pointing the cache at
    # the package finds both there (its default cache is under the home directory, and it
    # would try to download what it does not find).
    return wordllama.WordLlama.load(
        cache_dir=Path(wordllama.__file__).resolve().parent, disable_download=True
    )


def is_loaded() -> bool:
    return embedder.cache_info().currsize == 1


def token_vectors(text: str) -> npt.NDArray[np.float64]:
    """One row per token of the lower-cased text (none for a text with no token)."""
    model = embedder()
    ids = model.tokenizer.encode(text.lower(), add_special_tokens=False).ids
    if not ids:
        return np.zeros((0, DIMENSIONS))
    return np.asarray(model.embedding[ids], dtype=np.float64)

"""all-MiniLM-L6-v2 in numpy (safeguarding.sentence_model) against sentence-transformers: the
reference vectors in data/minilm_reference.json were made by sentence-transformers and PyTorch
from the same model directory, so CI needs neither."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings

from safeguarding import sentence_model

REFERENCE = Path(__file__).resolve().parent / "data" / "minilm_reference.json"


@pytest.fixture(scope="module")
def model() -> sentence_model.SentenceModel:
    model_dir = Path(settings.SAFEGUARDING_SENTENCE_MODEL_DIR)
    if not model_dir.is_dir():
        pytest.skip(f"no sentence model at {model_dir} (make install puts it there)")
    return sentence_model.load(model_dir)


def _reference() -> list[tuple[str, list[float]]]:
    data = json.loads(REFERENCE.read_text(encoding="utf-8"))
    return [
        (s["text"] if "text" in s else " ".join([s["repeat"]] * s["times"]), s["vector"])
        for s in data["sentences"]
    ]


@pytest.mark.parametrize(("text", "expected"), _reference())
def test_sentence_vector_is_what_sentence_transformers_gives(
    model: sentence_model.SentenceModel, text: str, expected: list[float]
) -> None:
    vector = model.encode(text)

    reference = np.asarray(expected)
    assert vector.shape == (384,)
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5
    assert float(vector @ reference) / float(np.linalg.norm(reference)) >= 0.9999


def test_a_long_question_is_cut_at_256_tokens(model: sentence_model.SentenceModel) -> None:
    assert len(model.token_ids("help " * 1000)) == sentence_model.MAX_TOKENS


def test_a_model_of_another_shape_is_refused(tmp_path: Path) -> None:
    model_dir = Path(settings.SAFEGUARDING_SENTENCE_MODEL_DIR)
    if not model_dir.is_dir():
        pytest.skip(f"no sentence model at {model_dir}")
    copy = tmp_path / "model"
    shutil.copytree(model_dir, copy, ignore=shutil.ignore_patterns("model.safetensors"))
    (copy / "model.safetensors").symlink_to(model_dir / "model.safetensors")
    config = json.loads((copy / "config.json").read_text(encoding="utf-8"))
    (copy / "config.json").write_text(json.dumps({**config, "num_hidden_layers": 12}))

    with pytest.raises(sentence_model.ModelError, match="num_hidden_layers"):
        sentence_model.load(copy)


def test_a_directory_without_the_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(sentence_model.ModelError, match=r"no model\.safetensors"):
        sentence_model.load(tmp_path)

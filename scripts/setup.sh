#!/usr/bin/env bash
# Creates .venv at the repo root with everything the project needs; quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv

# llama-cpp-python is source-only: it compiles here (~8 min on 2 cores), with its own stamp so that it is rebuilt
# only when its build flags change. Not -march=native: on a CPU with AMX (Xeon Sapphire Rapids and later) a native
# build moves the weights to AMX tiles, and prompt evaluation then crashes where the kernel or VM does not enable AMX.
# AVX2, plus the AVX-512 extensions this CPU reports (prompt evaluation 31 -> 50 tokens/s on a 2-core Xeon).
# No cache, so no wheel built for another CPU is reused.
llama_args="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"
cpu_flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
has() { [[ " $cpu_flags " == *" $1 "* ]]; }
if has avx512f && has avx512bw && has avx512vl && has avx512dq; then
    llama_args+=" -DGGML_AVX512=ON"
    has avx512_vnni && llama_args+=" -DGGML_AVX512_VNNI=ON"
    has avx512_bf16 && llama_args+=" -DGGML_AVX512_BF16=ON"
    has avx512vbmi && llama_args+=" -DGGML_AVX512_VBMI=ON"
fi
# (rebuilt when its flags or its own pin change, not when another pin does)
llama_stamp=".venv/.llama-$(echo "$llama_args" | cat - <(grep -i '^llama' constraints.txt) | sha256sum | cut -c1-16)"
if [ ! -f "$llama_stamp" ]; then
    .venv/bin/pip install --quiet --upgrade pip
    CMAKE_ARGS="$llama_args" .venv/bin/pip install --quiet --no-cache-dir --force-reinstall -c constraints.txt llama-cpp-python
    rm -f .venv/.llama-*
    touch "$llama_stamp"
fi

stamp=".venv/.installed-$(cat pyproject.toml constraints.txt scripts/setup.sh | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    .venv/bin/pip install --quiet --upgrade pip
    # torch first: pip then takes the CPU build that lies on this machine's disk (see ../shared/MODELS.md).
    .venv/bin/pip install --quiet torch==2.13.0
    .venv/bin/pip install --quiet -c constraints.txt -e ".[test]"
    rm -f .venv/.installed-*
    touch "$stamp"
fi

#!/usr/bin/env bash
# Creates .venv at the repo root with everything the project needs; quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv

stamp=".venv/.installed-$(cat pyproject.toml constraints.txt scripts/setup.sh | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    .venv/bin/pip install --quiet --upgrade pip
    # torch first: pip then takes the CPU build that lies on this machine's disk (see ../shared/MODELS.md).
    .venv/bin/pip install --quiet torch==2.13.0
    # llama-cpp-python is source-only: it compiles here (~8 min on 2 cores). A portable AVX2 build, not -march=native:
    # on a CPU with AMX (Xeon Sapphire Rapids and later) a native build moves the weights to AMX tiles, and prompt
    # evaluation then crashes where the kernel or VM does not enable AMX. No cache, so no native wheel built earlier is reused.
    CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON" \
        .venv/bin/pip install --quiet --no-cache-dir -c constraints.txt llama-cpp-python
    .venv/bin/pip install --quiet -c constraints.txt -e ".[test]"
    rm -f .venv/.installed-*
    touch "$stamp"
fi

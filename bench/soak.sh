#!/bin/bash
# soak.sh - sampan-play under 200 connections for SECONDS (default 600) while
# bundles are copied in and taken away (bench/soak.py).  Exit 1 on a bad
# answer for a course that stays, or memory growth of 5 % or more.
#
#   bench/soak.sh [SECONDS]      `make soak` (SOAK_SECONDS=600)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
exec "${PYTHON:-python3}" "$top/bench/soak.py" "${SAMPAN_BUILD:-$top/build/sampan-build}" \
	"${SAMPAN_PLAY:-$top/build/sampan-play}" "${1:-600}"

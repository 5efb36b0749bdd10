#!/bin/bash
# search.sh - search figures (bench/search.py): cold and warm indexing of N
# courses, suggestion latency, and page and media latency while a class
# searches, against idle.  Prints Markdown.
#
#   bench/search.sh [N]      (default 600)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
exec "${PYTHON:-python3}" "$top/bench/search.py" "${SAMPAN_BUILD:-$top/build/sampan-build}" \
	"${SAMPAN_PLAY:-$top/build/sampan-play}" "${1:-600}"

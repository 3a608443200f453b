#!/usr/bin/env bash
# Time `migc check` on generated 10,000-migration projects.
#
#   bench/run.sh [path/to/migc]        (default: build/bin/migc)
#
# Builds nothing and installs nothing. Generates a linear and a branchy
# project into a temporary directory, runs `migc check` on each three times
# and prints wall seconds and peak RSS (MB) per run. Uses /usr/bin/time when
# it exists; otherwise bash's `time` keyword (RSS unknown).
#
# Environment: MIGRATIONS (default 10000), RUNS (default 3), SEED (default 1),
# KEEP=1 keeps the generated projects.
set -u

MIGC=${1:-build/bin/migc}
MIGRATIONS=${MIGRATIONS:-10000}
RUNS=${RUNS:-3}
SEED=${SEED:-1}
HERE=$(cd "$(dirname "$0")" && pwd)

if [ ! -x "$MIGC" ]; then
  echo "run.sh: no executable migc at '$MIGC' (build it first, or pass its path)" >&2
  exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/migc-bench.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then
  echo "keeping projects in $WORK"
else
  trap 'rm -rf "$WORK"' EXIT
fi

have_time=0
if [ -x /usr/bin/time ]; then have_time=1; fi

bench_one() {   # label dir
  local label=$1 dir=$2 i out rc wall rss
  for i in $(seq 1 "$RUNS"); do
    if [ $have_time = 1 ]; then
      # %e: wall seconds, %M: peak RSS in KB; written last on stderr
      /usr/bin/time -f '%e %M' -o "$WORK/time.txt" \
        "$MIGC" check "$dir" >"$WORK/out.txt" 2>"$WORK/err.txt"
      rc=$?
      # the last line (a killed command gets a "Command terminated" line first)
      read -r wall rss < <(tail -n 1 "$WORK/time.txt")
      rss=$(awk -v k="$rss" 'BEGIN { printf "%.1f MB", k / 1024 }')
    else
      local TIMEFORMAT=%R
      { time { "$MIGC" check "$dir" >"$WORK/out.txt" 2>"$WORK/err.txt"
               echo $? >"$WORK/rc.txt"; }; } 2>"$WORK/time.txt"
      rc=$(cat "$WORK/rc.txt")
      wall=$(tail -n 1 "$WORK/time.txt")
      rss=unknown
    fi
    local diags
    diags=$(cat "$WORK/out.txt" "$WORK/err.txt" | grep -c -E ': (error|warning):' || true)
    printf '%-8s run %d: wall %6ss  max RSS %10s  exit %d  (%s error/warning lines)\n' \
      "$label" "$i" "$wall" "$rss" "$rc" "$diags"
  done
  if grep -q -E ': error:' "$WORK/out.txt" "$WORK/err.txt"; then
    echo "$label: migc reported errors on a project that should be valid; first ones:"
    grep -h -E ': error:' "$WORK/out.txt" "$WORK/err.txt" | head -5
  fi
}

[ $have_time = 1 ] || echo "note: /usr/bin/time not found; timing with bash time, RSS unknown"
echo "migc: $MIGC"

python3 "$HERE/gen_project.py" --migrations "$MIGRATIONS" --seed "$SEED" \
  --out "$WORK/linear" || exit 2
python3 "$HERE/gen_project.py" --migrations "$MIGRATIONS" --seed "$SEED" --branchy \
  --out "$WORK/branchy" || exit 2

bench_one linear "$WORK/linear"
bench_one branchy "$WORK/branchy"
echo "targets: under 0.5 s wall without the proofs (--no-proofs), 0.5 s more with them, and 200 MB peak RSS per check"

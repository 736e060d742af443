# Shared by the benchmark scripts: timing and medians.

# ms COMMAND...: runs it quietly and prints its wall time in milliseconds; a failing run stops the
# benchmark, so a failure is never timed as a result.
ms() {
  local s e
  s=$(date +%s%N)
  "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  e=$(date +%s%N)
  echo $(((e - s) / 1000000))
}

# median: the median of the whitespace-separated numbers on stdin.
median() { tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

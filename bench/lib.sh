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

# jvm_ms FILE: "class_ms jit_ms" from the performance counters a JVM saved at exit
# (-XX:+PerfDataSaveToFile -XX:PerfDataSaveFile=FILE; the JVM keeps them anyway): its time loading
# classes (`jstat -class`'s Time, sun.cls.time: loading, linking, verifying, initializing) and its
# JIT's compile time (`jstat -compiler`'s Time, java.ci.totalTime), in ms.
jvm_ms() {
  jstat -J-Djstat.showUnsupported=true -snap "file://$1" | awk -F= '
    $1 == "sun.cls.time" { c = $2 } $1 == "java.ci.totalTime" { j = $2 } $1 == "sun.os.hrt.frequency" { f = $2 }
    END { if (f > 0) printf "%d %d\n", c * 1000 / f, j * 1000 / f; else print "0 0" }'
}

# median: the median of the whitespace-separated numbers on stdin.
median() { tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# The daemon the benchmarks build on: DOCKER_HOST's unix socket, else the stack's Docker 20.10.
bench_sock=${DOCKER_HOST:-unix:///var/run/docker.sock}
bench_sock=${bench_sock#unix://}

# build_cache_ids: the IDs of the daemon's build cache records (BuildKit's), one a line, sorted.
# A benchmark notes them before its first build, to remove afterwards only what its builds made.
build_cache_ids() {
  curl -sS --unix-socket "$bench_sock" http://d/system/df | jq -r '.BuildCache // [] | .[].ID' | LC_ALL=C sort
}

# prune_build_cache_since BEFORE: removes the build cache records that are not in BEFORE (what
# build_cache_ids printed before the builds) and prints the bytes reclaimed. As the ITs do
# (ItSupport.pruneBuildCacheSince): POST /build/prune with one id filter a request (Docker 20.10
# refuses a filter with several values), so other projects' records on the shared daemon stay; a
# child goes before its parent, so a few rounds. The images using them must be gone first (records
# in use are kept). Run under the ITs' lock: a record another build made meanwhile would go too.
prune_build_cache_since() {
  local before=$1 reclaimed=0 made id n round
  for round in 1 2 3; do
    made=$(LC_ALL=C comm -13 <(printf '%s\n' "$before") <(build_cache_ids))
    [ -n "$made" ] || break
    for id in $made; do
      n=$(curl -sS --unix-socket "$bench_sock" -X POST \
        "http://d/build/prune?all=true&filters=$(jq -rn --arg id "$id" '{id: {($id): true}} | @uri')" |
        jq -r '.SpaceReclaimed // 0')
      reclaimed=$((reclaimed + n))
    done
  done
  echo "$reclaimed"
}

# build_cache_left BEFORE: how many records not in BEFORE are still there.
build_cache_left() { LC_ALL=C comm -13 <(printf '%s\n' "$1") <(build_cache_ids) | grep -c . || true; }
# bench_maven WORK: Maven for a benchmark. The plugin under test goes into a local repository of the
# benchmark's own (WORK/m2): ~/.m2 is shared with whoever else installs a 0.1.0-SNAPSHOT on this
# machine. Everything else comes from ~/.m2 through a file:// mirror, so nothing is fetched from the
# network. Installs the plugin of $root there; mvnw_ and mvn then run Maven with that repository
# (offline once $offline is -o: a warm-up resolves what the projects need, the timed runs are not).
bench_maven() {
  repo=$1/m2
  settings=$1/settings.xml
  mkdir -p "$1"
  cat >"$settings" <<XML
<settings>
  <mirrors>
    <mirror><id>home</id><mirrorOf>*</mirrorOf><url>file://$HOME/.m2/repository</url></mirror>
  </mirrors>
</settings>
XML
  offline=
  (cd "$root" && mvn install -DskipTests -DskipITs 2>&1 | { grep -v -i checksum || true; })
}
mvnw_() { "$root/mvnw" -B $offline -s "$settings" -Dmaven.repo.local="$repo" "$@"; }
mvn() { mvnw_ -q "$@"; }
# commit MESSAGE: everything in the current repository, as a bench user.
commit() { git add -A && git -c user.email=b@example.invalid -c user.name=bench commit -q -m "$1"; }
# stats MS...: "median ms (min-max)"
stats() { printf '%s ms (%s-%s)' "$(echo "$*" | median)" "$(echo "$*" | tr ' ' '\n' | sort -n | head -1)" "$(echo "$*" | tr ' ' '\n' | sort -n | tail -1)"; }
# ratio A B (array names): the median over the rounds of A[i] / B[i] (each round's pair ran back to back)
ratio() {
  local -n a=$1 b=$2
  for i in "${!a[@]}"; do echo "${a[$i]} ${b[$i]}"; done |
    awk '{ print $1 / $2 }' | sort -n | awk '{ r[NR] = $1 } END { printf "%.2fx", r[int((NR + 1) / 2)] }'
}
# rotate N X...: the list X... rotated by N, so that no contender always runs first
rotate() { local n=$1; shift; local list=("$@"); local k=$((n % ${#list[@]})); echo "${list[@]:k}" "${list[@]:0:k}"; }

#!/usr/bin/env bash
# The whole pipeline, as issue 22 asks: `mvn deploy` with the plugin against the shell steps it
# replaces, both on the same project and the same Maven, alternating round by round.
#
#   ship    mvn deploy                    ship:build (BuildKit), ship:push of {sha} and latest,
#                                         ship:deploy of the pushed digest to the Render stand-in
#   shell   mvn package                   the Maven run the seed's CI makes anyway, then
#           DOCKER_BUILDKIT=1 /usr/bin/docker build -t <image>:<sha> -t <image>:latest .
#           docker login                  (into a throwaway DOCKER_CONFIG, as a CI job starts)
#           docker push <image>:<sha>; docker push <image>:latest
#           curl -X POST '<hook>&imgURL=<image>@<digest>'   (the digest docker push printed)
#
# The project is examples/hello-app (the demo's: resources copied into the image by the
# Dockerfile, jar packaging, maven.deploy.skip), a git repository of its own; the shell side's
# Maven runs the same POM without the plugin (shell-pom.xml); before each run a
# one-line change of its page is committed, so both sides build and push a new layer. The Render
# stand-in (RenderStandIn of the test classes) listens on loopback; the registry is the stack's
# htpasswd one on 127.0.0.1:5000. Each side's wall time and CPU time (user + sys of the whole
# process tree: Maven's JVM, the docker CLIs, curl; not dockerd's, the registry's or the stand-in's,
# which serve both sides alike) come from /usr/bin/time.
#
# floor   mvn deploy -Dship.skip=true   Maven running the ship side's lifecycle (the plugin loaded,
#         + the shell's docker steps    each goal configured and skipped; install, deploy) with
#                                       the shell side's docker CLI and curl doing the work: what
#                                       the ship side would take if the plugin's own work cost no
#                                       more than the Go CLI's. floor / shell is the lowest ratio a
#                                       plugin could reach; the rest of ship / shell is the plugin's.
#
# Every timed run also saves the performance counters of Maven's JVM (-XX:+PerfDataSaveToFile; the
# JVM keeps them anyway) and reads two of them with jstat: the time spent loading classes (`jstat
# -class`'s Time, sun.cls.time: loading, linking, verifying and initializing them) and the JIT's
# compile time (`jstat -compiler`'s Time, java.ci.totalTime), medians per side.
#
# After the timed rounds, one more run of each side with MAVEN_OPTS=-Xlog:class+load counts the
# classes the JVM loaded, per Maven goal (from one `--- plugin:goal` line to the next), by where
# they came from: the JDK, Maven's own jars, each plugin's jar, and inside ship-maven-plugin's
# shaded jar by library (Jackson, JGit, docker-java, okhttp/Kotlin, the plugin's own classes).
# Class counts are exact on a loaded machine; wall and CPU are not, hence the alternation.
#
# Usage (it uses the daemon and the registry: take the integration tests' lock):
#   flock /tmp/ship-it.lock bench/pipeline.sh [ROUNDS]      default 11 rounds; 0 = class counts only
# SHIP_TREE=<dir> measures the plugin built from another source tree (e.g. a worktree of an older
# commit); the default is this script's own tree. BASE_TREE=<dir> adds a third side, "base": the
# same `mvn deploy` with the plugin built from that tree (installed into a local repository of its
# own), in the same rotation, for a before/after of a change measured round by round.
# Results: bench/README.md, "Pipeline".
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
tree=${SHIP_TREE:-$root}
rounds=${1:-11}
work=/tmp/ship-bench-pipeline
prop() { sed -n "s/^$1=//p" "$root/src/it/stack.properties"; }
registry=$(prop it.registry)
user=$(prop it.registry.user)
password=$(prop it.registry.password)
hook_key=$(prop it.render.key)
api_key=$(prop it.render.apiKey)
docker=/usr/bin/docker # Debian's 20.10 CLI speaks BuildKit itself; the one first on PATH may not
run=$(date +%s)

"$docker" version >/dev/null 2>&1 || { echo "no Docker daemon: run .ci/stack first" >&2; exit 1; }
"$docker" image inspect local/busybox:1 >/dev/null 2>&1 || { echo "no local/busybox:1: run .ci/stack first" >&2; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://$registry/v2/")" = 401 ] ||
  { echo "no htpasswd registry on $registry: run .ci/stack first" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time)" >&2; exit 1; }
command -v jstat >/dev/null || { echo "needs the JDK's jstat on PATH" >&2; exit 1; }

# The plugin under test goes into a local repository of this benchmark's own (~/.m2's
# 0.1.0-SNAPSHOT is shared with whoever else installs one); everything else is read from ~/.m2 as
# a read-only tail (what is missing there is fetched once, in the untimed warm-up).
mkdir -p "$work"
repo=$work/m2
settings=$work/settings.xml
printf '<settings/>\n' >"$settings"
offline=
# (this script's own mvn, in place of lib.sh's)
mvn() { "$root/mvnw" -B $offline -s "$settings" -Dmaven.repo.local="$repo" -Dmaven.repo.local.tail="$HOME/.m2/repository" "$@"; }
(cd "$tree" && mvn -q install -DskipTests -DskipITs 2>&1 | { grep -v -i checksum || true; })
plugin_version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$tree/pom.xml" | head -1)
plugin_jar=$(ls "$tree"/target/ship-maven-plugin-*.jar | grep -v original | head -1)
base_repo=$work/m2-base
if [ -n "${BASE_TREE:-}" ]; then
  [ "$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$BASE_TREE/pom.xml" | head -1)" = "$plugin_version" ] ||
    { echo "BASE_TREE's plugin version differs from $plugin_version" >&2; exit 1; }
  (cd "$BASE_TREE" && repo=$base_repo mvn -q install -DskipTests -DskipITs 2>&1 | { grep -v -i checksum || true; })
fi

# --- the project ---------------------------------------------------------------------------------
project=$work/hello-app
rm -rf "$project"
cp -r "$root/examples/hello-app" "$project"
ship_image=$registry/bench/pipeline-ship
shell_image=$registry/bench/pipeline-shell
floor_image=$registry/bench/pipeline-floor
# The example follows the deploy until live; the shell's curl does not wait, so neither does this.
sed -i -e "s|<version>0.1.0-SNAPSHOT</version>|<version>$plugin_version</version>|" \
  -e "s|<image>.*</image>|<image>$ship_image</image>|" -e '/<wait>true<\/wait>/d' "$project/pom.xml"
grep -q "<image>$ship_image</image>" "$project/pom.xml" || { echo "could not configure $project/pom.xml" >&2; exit 1; }
# The shell side's POM: the same project without the plugin (its `mvn package` must not run ship:build).
python3 - "$project/pom.xml" "$project/shell-pom.xml" <<'PY'
import re, sys
pom = open(sys.argv[1]).read()
shell = re.sub(r"\s*<plugin>\s*<groupId>io\.github\.shipmaven</groupId>.*?</plugin>", "", pom, flags=re.S)
assert shell != pom and "shipmaven" not in shell
open(sys.argv[2], "w").write(shell)
PY
printf 'target/\n' >"$project/.gitignore"
page() { echo "<h1>pipeline $1</h1>" >"$project/src/main/resources/www/index.html"; (cd "$project" && commit "page $1"); }
(cd "$project" && git init -q -b main && commit init)

# --- the Render stand-in -------------------------------------------------------------------------
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
java -cp "$root/target/test-classes:$plugin_jar" io.github.shipmaven.it.RenderStandIn \
  "$port" "$hook_key" "$api_key" live >"$work/standin.log" 2>&1 &
standin=$!
config=$(mktemp -d) # the shell side's docker login writes here, never ~/.docker
trap 'kill "$standin" 2>/dev/null || true; rm -rf "$config"' EXIT
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
hook="http://127.0.0.1:$port/deploy/srv-bench01?key=$hook_key"

# --- the sides ---------------------------------------------------------------------------------
ship_side() {
  cd "$project"
  SHIP_REGISTRY_USERNAME=$user SHIP_REGISTRY_PASSWORD=$password RENDER_DEPLOY_HOOK_URL=$hook \
    mvn deploy
}
base_side() { repo=$base_repo ship_side; }
shell_side() {
  cd "$project"
  mvn -f shell-pom.xml package
  docker_steps "$shell_image"
}
floor_side() {
  cd "$project"
  mvn deploy -Dship.skip=true
  docker_steps "$floor_image"
}
# docker_steps IMAGE: the seed's CircleCI steps after Maven, on the project's HEAD
docker_steps() {
  local image=$1 sha digest out
  sha=$(git rev-parse HEAD)
  DOCKER_BUILDKIT=1 "$docker" build -t "$image:$sha" -t "$image:latest" .
  export DOCKER_CONFIG=$config
  echo "$password" | "$docker" login -u "$user" --password-stdin "$registry"
  "$docker" push "$image:$sha"
  out=$("$docker" push "$image:latest")
  echo "$out"
  digest=$(sed -n 's/.*digest: \(sha256:[0-9a-f]*\).*/\1/p' <<<"$out")
  [ -n "$digest" ] || { echo "no digest from docker push" >&2; return 1; }
  local url=$image@$digest # URL-encoded in the shell itself: a helper process would be timed
  url=${url//:/%3A}; url=${url//\//%2F}; url=${url//@/%40}
  curl -fsS -X POST "$hook&imgURL=$url"
}
export -f ship_side base_side shell_side floor_side docker_steps mvn
export base_repo root offline settings repo project user password hook docker shell_image floor_image registry config

# timed SIDE LOG: runs one side under /usr/bin/time; prints "wall_ms cpu_ms class_ms jit_ms" (cpu =
# user + sys of the process and every descendant it waited for; class and jit: Maven's JVM's time
# loading classes and compiling, from its counters). A failing run stops the benchmark.
timed() {
  rm -f "$work/jvm.hsperf"
  MAVEN_OPTS="${MAVEN_OPTS:-} -XX:+PerfDataSaveToFile -XX:PerfDataSaveFile=$work/jvm.hsperf" \
    /usr/bin/time -f '%e %U %S' -o "$work/time" bash -c "$1" >"$2" 2>&1 ||
    { tail -40 "$2" >&2; echo "failed: $1 (log $2)" >&2; exit 1; }
  echo "$(awk '{ printf "%d %d", $1 * 1000, ($2 + $3) * 1000 }' "$work/time") $(jvm_ms "$work/jvm.hsperf")"
}

# Warm-up, untimed: Maven's plugins resolved into the local repository, the page cache, each path.
page "$run-warmup-ship"; timed ship_side "$work/ship.log" >/dev/null
grep -q 'Render deploy dep-' "$work/ship.log" || { cat "$work/ship.log"; echo "no deploy in the log" >&2; exit 1; }
page "$run-warmup-shell"; timed shell_side "$work/shell.log" >/dev/null
page "$run-warmup-floor"; timed floor_side "$work/floor.log" >/dev/null
grep -q 'Skipping ship:build' "$work/floor.log" || { cat "$work/floor.log"; echo "ship:build was not skipped on the floor side" >&2; exit 1; }
sides=(ship shell floor)
if [ -n "${BASE_TREE:-}" ]; then
  sides+=(base)
  page "$run-warmup-base"; timed base_side "$work/base.log" >/dev/null
  grep -q 'Render deploy dep-' "$work/base.log" || { cat "$work/base.log"; echo "no deploy in the base side's log" >&2; exit 1; }
fi
offline=-o

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for side in ship shell floor base; do declare -a "${side}_wall=()" "${side}_cpu=()" "${side}_class=()" "${side}_jit=()"; done
for r in $(seq 1 "$rounds"); do
  # the sides rotated by the round, so that none always goes first
  order=("${sides[@]:r % ${#sides[@]}}" "${sides[@]:0:r % ${#sides[@]}}")
  for side in "${order[@]}"; do
    page "$run-$r-$side"
    read -r wall cpu class jit < <(timed "${side}_side" "$work/$side.log")
    declare -n walls=${side}_wall cpus=${side}_cpu loads=${side}_class jits=${side}_jit
    walls+=("$wall"); cpus+=("$cpu"); loads+=("$class"); jits+=("$jit")
    unset -n walls cpus loads jits
  done
  echo "round $r: ship ${ship_wall[-1]} ms (cpu ${ship_cpu[-1]}), shell ${shell_wall[-1]} ms (cpu ${shell_cpu[-1]}), floor ${floor_wall[-1]} ms (cpu ${floor_cpu[-1]})${base_wall:+, base ${base_wall[-1]} ms (cpu ${base_cpu[-1]})}; load $(cut -d' ' -f1 /proc/loadavg)" >&2
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- classes loaded, per goal --------------------------------------------------------------------
# The JVM's class+load lines and Maven's log go to the same stdout, in order; each class counts for
# the goal whose `--- ` line came last before it ("maven" before the first goal).
classes() { # classes SIDE: one instrumented run, then a table goal x source
  page "$run-classes-$1"
  (export MAVEN_OPTS="-Xlog:class+load=info:stdout:none"; timed "$1_side" "$work/classes-$1.log" >/dev/null)
  awk -v jar="$(basename "$plugin_jar")" '
    # the library a class of the shaded jar belongs to, by package
    function shaded(name, p) {
      if (name ~ /^com\.fasterxml\.jackson/) return "ship: Jackson"
      if (name ~ /^org\.eclipse\.jgit/) return "ship: JGit"
      if (name ~ /^com\.github\.dockerjava/) return "ship: docker-java"
      if (name ~ /^(okhttp3|okio|kotlin)/) return "ship: okhttp+kotlin"
      if (name ~ /^io\.github\.shipmaven/) return "ship: own"
      split(name, p, "."); return "ship: " p[1] "." p[2]
    }
    /^\[INFO\] --- / { goal = $3; sub(/:[^:]*:/, ":", goal); next }
    / source: / {
      if (goal == "") goal = "(maven start)"
      name = $1; src = $0; sub(/.* source: /, "", src)
      if (src ~ /shared objects file|jrt:\// ) what = "JDK"
      else if (index(src, jar)) what = shaded(name)
      else if (src ~ /\/lib\/[^\/]*\.jar/ || src ~ /\/boot\/[^\/]*\.jar/) what = "Maven"
      else if (src ~ /\.jar/) { n = split(src, p, "/"); what = p[n]; sub(/-[0-9][^-]*\.jar$/, "", what) }
      # spun at run time (lambdas, method handles): counted with the class that made them
      else if (src ~ /^__/ || src ~ /^(java|jdk|sun)\./) what = "JDK (generated)"
      else if (src ~ /^(com\.fasterxml|org\.eclipse\.jgit|com\.github\.dockerjava|okhttp3|okio|kotlin|io\.github\.shipmaven)/) what = shaded(src)
      else what = "generated (Maven, Guice, plugins)"
      count[goal, what]++; total[goal]++; by[what]++; all++
      if (!(goal in seen)) { seen[goal] = 1; order[++n_goals] = goal }
    }
    END {
      for (i = 1; i <= n_goals; i++) {
        g = order[i]; printf "  %-28s %6d", g, total[g]; line = ""
        for (k in count) { split(k, q, SUBSEP); if (q[1] == g && count[k] >= 5) line = line sprintf("  %s %d;", q[2], count[k]) }
        print line
      }
      printf "  %-28s %6d\n", "all", all
    }' "$work/classes-$1.log"
}

# --- results -------------------------------------------------------------------------------------
# q NUMBERS...: "median (p25-p75)"
q() {
  printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END {
    m = a[int((NR + 1) / 2)]; lo = a[int((NR + 3) / 4)]; hi = a[int((3 * NR + 1) / 4)]
    printf "%d (%d-%d)", m, lo, hi }'
}
# per-round A[i] OP B[i], then q
pairs() {
  local -n a=$1 b=$2
  for i in "${!a[@]}"; do echo "${a[$i]} ${b[$i]}"; done | awk -v op="$3" '{ if (op == "/") printf "%.3f\n", $1 / $2; else print $1 - $2 }'
}
q3() { sort -n | awk '{ a[NR] = $1 } END { printf "%s (%s-%s)", a[int((NR + 1) / 2)], a[int((NR + 3) / 4)], a[int((3 * NR + 1) / 4)] }'; }

echo
echo "pipeline: $plugin_version from $tree ($(git -C "$tree" rev-parse --short HEAD)), $rounds rounds alternating"
if ((rounds > 0)); then
  echo "load average before: $load_before; after: $load_after (2 cores: $(nproc))"
  echo "ms, median (quartiles)         wall                     cpu (user+sys, process tree)"
  printf '%-30s %-24s %s\n' "mvn deploy (ship)" "$(q "${ship_wall[@]}")" "$(q "${ship_cpu[@]}")"
  printf '%-30s %-24s %s\n' "mvn package + docker (shell)" "$(q "${shell_wall[@]}")" "$(q "${shell_cpu[@]}")"
  printf '%-30s %-24s %s\n' "ship / shell, per round" "$(pairs ship_wall shell_wall / | q3)x" "$(pairs ship_cpu shell_cpu / | q3)x"
  printf '%-30s %-24s %s\n' "ship - shell, per round" "$(pairs ship_wall shell_wall - | q3)" "$(pairs ship_cpu shell_cpu - | q3)"
  printf '%-30s %-24s %s\n' "floor: skipped + docker" "$(q "${floor_wall[@]}")" "$(q "${floor_cpu[@]}")"
  printf '%-30s %-24s %s\n' "floor / shell, per round" "$(pairs floor_wall shell_wall / | q3)x" "$(pairs floor_cpu shell_cpu / | q3)x"
  printf '%-30s %-24s %s\n' "floor - shell, per round" "$(pairs floor_wall shell_wall - | q3)" "$(pairs floor_cpu shell_cpu - | q3)"
  printf '%-30s %-24s %s\n' "ship - floor, per round" "$(pairs ship_wall floor_wall - | q3)" "$(pairs ship_cpu floor_cpu - | q3)"
  echo "Maven's JVM, ms, median (quartiles): class loading (jstat -class Time)   JIT compiling (jstat -compiler Time)"
  for side in "${sides[@]}"; do
    declare -n loads=${side}_class jits=${side}_jit
    printf '%-30s %-24s %s\n' "$side" "$(q "${loads[@]}")" "$(q "${jits[@]}")"
    unset -n loads jits
  done
  printf '%-30s %-24s %s\n' "ship - floor, per round" "$(pairs ship_class floor_class - | q3)" "$(pairs ship_jit floor_jit - | q3)"
  printf '%-30s %-24s %s\n' "floor - shell, per round" "$(pairs floor_class shell_class - | q3)" "$(pairs floor_jit shell_jit - | q3)"
  if [ -n "${BASE_TREE:-}" ]; then
    echo "base: $BASE_TREE ($(git -C "$BASE_TREE" rev-parse --short HEAD))"
    printf '%-30s %-24s %s\n' "mvn deploy (base)" "$(q "${base_wall[@]}")" "$(q "${base_cpu[@]}")"
    printf '%-30s %-24s %s\n' "base / shell, per round" "$(pairs base_wall shell_wall / | q3)x" "$(pairs base_cpu shell_cpu / | q3)x"
    printf '%-30s %-24s %s\n' "base - shell, per round" "$(pairs base_wall shell_wall - | q3)" "$(pairs base_cpu shell_cpu - | q3)"
    printf '%-30s %-24s %s\n' "base - ship, per round" "$(pairs base_wall ship_wall - | q3)" "$(pairs base_cpu ship_cpu - | q3)"
  fi
fi
echo
echo "classes loaded (one run each, -Xlog:class+load), per goal: total, then by source (>= 5)"
echo "ship side (mvn deploy):"
classes ship
echo "shell side (mvn package):"
classes shell

# What this run tagged; the registry keeps its blobs (a few kB a round).
"$docker" images --format '{{.Repository}}:{{.Tag}}' | grep -E "^($ship_image|$shell_image|$floor_image):" | xargs -r "$docker" rmi >/dev/null
echo "rerun: flock /tmp/ship-it.lock bench/pipeline.sh $rounds"

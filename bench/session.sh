#!/usr/bin/env bash
# ship:build through the BuildKit session against what users run: `mvn validate && DOCKER_BUILDKIT=1
# /usr/bin/docker build` (Debian's 20.10 CLI, which speaks BuildKit and its session itself; the
# 28.x `docker` first on PATH has no buildx and would fall back to the classic builder).
#   bench/session.sh [ROUNDS] (default 5); every round runs both contenders, in an order that
# rotates from round to round; medians, spreads and the median of the rounds' ratios at the end.
#
# 1. 200 MB beside src/, Dockerfile COPY src/ /app/: built cold (a directory the daemon has never
#    seen, new sources: no cached context, no cached COPY) and again after a one-line change.
# 2. The seed-shaped project, Dockerfile COPY . /app/ (FROM, COPY, RUN, CMD): one new commit a
#    round, built in the same directory (what CI does on every push).
# The seed's rounds also run `mvn validate` and `mvn ship:build -Dship.skip=true`, and read Maven's
# JVM's class-loading time from its counters (lib.sh's jvm_ms): where the seed's time goes, and what
# the goal's classes alone cost against what 1.15x leaves for the goal's work.
# Needs the stack of .ci/stack (Docker 20.10 on /var/run/docker.sock, local/busybox:1; curl, jq); run
# it under the integration tests' lock:  flock /tmp/ship-it.lock bench/session.sh
# At the end, or when it stops early, it removes its images and then the build cache records its
# builds made (each cold COPY leaves records on the daemon), by ID, as the ITs do.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-5}
work=/tmp/ship-bench-session
plugin_version=0.1.0-SNAPSHOT
run=$(date +%s)
cli=/usr/bin/docker
[ -x "$cli" ] || { echo "no $cli (Debian's docker.io)" >&2; exit 1; }
docker image inspect local/busybox:1 >/dev/null 2>&1 || { echo "no local/busybox:1: run .ci/stack first" >&2; exit 1; }
command -v jq >/dev/null && command -v curl >/dev/null || { echo "needs curl and jq (.ci/stack installs them)" >&2; exit 1; }

rm -rf "$work"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
bench_maven "$work"
cache_before=$(build_cache_ids)
cleanup() {
  docker images --format '{{.Repository}}:{{.Tag}}' | grep -E '^bench/session-' | xargs -r docker rmi >/dev/null || true
  local reclaimed
  reclaimed=$(prune_build_cache_since "$cache_before") || reclaimed="?"
  echo "build cache made by these builds: $reclaimed bytes removed, $(build_cache_left "$cache_before") records left" >&2
  rm -rf "$work"
}
trap cleanup EXIT
diff_ms() {  # diff_ms A B: the median of A[i] - B[i]
  local -n a=$1 b=$2
  for i in "${!a[@]}"; do echo $((a[i] - b[i])); done | sort -n | awk '{ r[NR] = $1 } END { printf "%d ms", r[int((NR + 1) / 2)] }'
}

pom() {  # pom IMAGE
  cat <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId>
  <artifactId>session</artifactId>
  <version>1.0.0</version>
  <packaging>pom</packaging>
  <build>
    <plugins>
      <plugin>
        <groupId>io.github.shipmaven</groupId>
        <artifactId>ship-maven-plugin</artifactId>
        <version>$plugin_version</version>
        <configuration>
          <image>$1</image>
          <network>none</network>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
POM
}

# --- 1. 200 MB beside src/ ---------------------------------------------------------------------
head -c 200000000 /dev/urandom >"$work/data.bin"
big() {  # big DIR MARKER: a new project; data.bin is a hard link to the one 200 MB file
  mkdir -p "$1/src"
  pom bench/session-big >"$1/pom.xml"
  printf 'FROM local/busybox:1\nCOPY src/ /app/\n' >"$1/Dockerfile"
  printf 'target\n' >"$1/.dockerignore"
  printf 'data.bin\ntarget/\n' >"$1/.gitignore"
  for i in $(seq 1 20); do echo "class C$i { String v = \"$2\"; }" >"$1/src/C$i.java"; done
  ln "$work/data.bin" "$1/data.bin"
  (cd "$1" && git init -q -b main && commit "$2")
}
edit() { echo "// $2" >>"$1/src/C1.java"; (cd "$1" && commit "edit $2"); }
ship() { (cd "$1" && mvn ship:build); }
mvn_in() { (cd "$1" && mvn "${@:2}" >/dev/null); }
cli_build() { (cd "$1" && mvn validate && DOCKER_BUILDKIT=1 "$cli" build -q --network=none -t "$2" . >/dev/null); }

offline=
big "$work/warm-ship" "$run-warm-ship"; ship "$work/warm-ship" >/dev/null; edit "$work/warm-ship" w; ship "$work/warm-ship" >/dev/null
big "$work/warm-cli" "$run-warm-cli"; cli_build "$work/warm-cli" bench/session-cli >/dev/null
offline=-o
declare -A t
for r in $(seq 1 "$rounds"); do
  for c in $(rotate "$r" ship cli); do
    dir=$work/big-$r-$c
    big "$dir" "$run-$r-$c"
    if [ "$c" = ship ]; then
      t[ship-cold]+="$(ms ship "$dir") "; edit "$dir" "$r"; t[ship-edit]+="$(ms ship "$dir") "
    else
      t[cli-cold]+="$(ms cli_build "$dir" "bench/session-cli:$r-cold") "; edit "$dir" "$r"; t[cli-edit]+="$(ms cli_build "$dir" "bench/session-cli:$r-edit") "
    fi
    rm -rf "$dir"
  done
done
read -ra ship_cold <<<"${t[ship-cold]}"; read -ra ship_edit <<<"${t[ship-edit]}"
read -ra cli_cold <<<"${t[cli-cold]}"; read -ra cli_edit <<<"${t[cli-edit]}"

# --- 2. The seed-shaped COPY . project ------------------------------------------------------------
seed=$work/seed
mkdir -p "$seed/www"
pom bench/session-seed >"$seed/pom.xml"
cat >"$seed/Dockerfile" <<'DOCKERFILE'
FROM local/busybox:1
COPY . /app/
RUN cat /app/www/index.html >/app/www/copy.html
CMD ["httpd", "-f", "-p", "8080", "-h", "/app/www"]
DOCKERFILE
printf '.git\ntarget\n' >"$seed/.dockerignore"
printf 'target/\n' >"$seed/.gitignore"
page() { echo "<h1>seed $1</h1>" >"$seed/www/index.html"; (cd "$seed" && commit "page $1"); }
(cd "$seed" && git init -q -b main && page "$run-init")
offline=
page "$run-warm"; ship "$seed" >/dev/null; cli_build "$seed" bench/session-seed-cli >/dev/null
offline=-o
declare -A s j
# Maven's JVM saves its counters at exit: each contender's class-loading time (lib.sh's jvm_ms)
export MAVEN_OPTS="-XX:+PerfDataSaveToFile -XX:PerfDataSaveFile=$work/jvm.hsperf"
for r in $(seq 1 "$rounds"); do
  for c in $(rotate "$r" ship cli validate skip); do
    page "$run-$r-$c"
    rm -f "$work/jvm.hsperf"
    case $c in
      ship) s[ship]+="$(ms ship "$seed") " ;;
      cli) s[cli]+="$(ms cli_build "$seed" "bench/session-seed-cli:$r") " ;;
      # Where the time goes: Maven alone, and Maven loading this plugin and configuring the goal,
      # which then skips (-Dship.skip=true): what the goal costs before its own work.
      validate) s[validate]+="$(ms mvn_in "$seed" validate) " ;;
      skip) s[skip]+="$(ms mvn_in "$seed" ship:build -Dship.skip=true) " ;;
    esac
    j[$c]+="$(jvm_ms "$work/jvm.hsperf" | cut -d' ' -f1) "
  done
done
unset MAVEN_OPTS
read -ra seed_ship <<<"${s[ship]}"; read -ra seed_cli <<<"${s[cli]}"
read -ra seed_validate <<<"${s[validate]}"; read -ra seed_skip <<<"${s[skip]}"
read -ra class_ship <<<"${j[ship]}"; read -ra class_skip <<<"${j[skip]}"; read -ra class_validate <<<"${j[validate]}"
# At 1.15x the goal's own work may take 1.15 x the CLI side - the skipped goal's run, each round.
budget=()
for i in "${!seed_cli[@]}"; do budget+=($((seed_cli[i] * 115 / 100 - seed_skip[i]))); done

echo "$rounds rounds, contenders alternating; median ms (min-max)"
printf '%-58s %-24s %s\n' "1. 200 MB beside src/, COPY src/" "cold" "one-line change"
printf '%-58s %-24s %s\n' "mvn ship:build (session)" "$(stats "${ship_cold[@]}")" "$(stats "${ship_edit[@]}")"
printf '%-58s %-24s %s\n' "mvn validate && DOCKER_BUILDKIT=1 docker build (20.10)" "$(stats "${cli_cold[@]}")" "$(stats "${cli_edit[@]}")"
printf '%-58s %-24s %s\n' "ship / CLI (median of the rounds' ratios)" "$(ratio ship_cold cli_cold)" "$(ratio ship_edit cli_edit)"
echo
printf '%-58s %s\n' "2. seed-shaped project, COPY ., one commit a round" ""
printf '%-58s %s\n' "mvn ship:build (session)" "$(stats "${seed_ship[@]}")"
printf '%-58s %s\n' "mvn validate && DOCKER_BUILDKIT=1 docker build (20.10)" "$(stats "${seed_cli[@]}")"
printf '%-58s %s\n' "ship / CLI (median of the rounds' ratios)" "$(ratio seed_ship seed_cli)"
echo
printf '%-58s %s\n' "where the seed's time goes (medians of the rounds' differences)" ""
printf '%-58s %s\n' "mvn validate (Maven alone, both sides pay it)" "$(stats "${seed_validate[@]}")"
printf '%-58s %s\n' "ship:build -Dship.skip=true - validate (plugin loaded)" "$(diff_ms seed_skip seed_validate)"
printf '%-58s %s\n' "ship:build - ship:build -Dship.skip=true (goal's work)" "$(diff_ms seed_ship seed_skip)"
printf '%-58s %s\n' "CLI side - mvn validate (docker build)" "$(diff_ms seed_cli seed_validate)"
printf '%-58s %s\n' "at 1.15x, what the goal's work may take (1.15 CLI - skip)" "$(echo "${budget[@]}" | median) ms"
printf '%-58s %s\n' "class loading in Maven's JVM (jstat -class Time): validate" "$(stats "${class_validate[@]}")"
printf '%-58s %s\n' "  ship:build -Dship.skip=true - validate" "$(diff_ms class_skip class_validate)"
printf '%-58s %s\n' "  ship:build - ship:build -Dship.skip=true (the goal's)" "$(diff_ms class_ship class_skip)"

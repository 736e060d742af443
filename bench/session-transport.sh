#!/usr/bin/env bash
# The BuildKit session's transport, chosen by measurement (issue 20, item 4): the plugin's own
# (okhttp's internal HTTP/2 in server mode, gRPC framed by hand: buildkit/Session, GrpcCall) against
# grpc-java's OkHttp server transport (io.grpc:grpc-okhttp, what the prototypes used) on the same
# upgraded daemon connection, serving the same methods (Health, FileSync DiffCopy).
#   bench/session-transport.sh [ROUNDS]   (default 15)
# It builds both jars first, then takes /tmp/ship-it.lock (the engines' lock of the ITs and benches)
# itself for the runs only: do not run it under flock.
#
# Each run is a fresh JVM (bench/transport/.../TransportBench) that connects to Docker 20.10
# (/var/run/docker.sock, the stack of .ci/stack), opens the session, sends
# POST /build?version=2&remote=client-session for a tiny context of its own (FROM local/busybox:1,
# COPY . /app/: a new directory and new content every run, so BuildKit asks for every file) and
# reads the build's stream to its end. It prints the ms from the launch of `java` to main, to the
# ping, to the session open, to the first DiffCopy call reaching its handler (the daemon's gRPC
# client connected: prefaces and SETTINGS exchanged) and to the build's end, and its CPU time. Both
# contenders alternate in one loop (the order swaps every round).
#
# The grpc contender runs from the jar the plugin would ship with grpc-okhttp: a throwaway copy of
# pom.xml with io.grpc:grpc-okhttp added (and guava's failureaccess, which grpc needs and the
# plugin's tree has only as Maven's provided dependency), shaded the same way; the plugin's own
# pom is never touched. The jars' difference is the bytes grpc would add. Classes loaded are
# counted with -Xlog:class+load in one more run of each.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-15}
grpc_version=${GRPC_OKHTTP_VERSION:-1.76.0}
work=/tmp/ship-bench-transport
socket=/var/run/docker.sock
[ -S "$socket" ] || { echo "no $socket: run .ci/stack first" >&2; exit 1; }
docker image inspect local/busybox:1 >/dev/null 2>&1 || { echo "no local/busybox:1: run .ci/stack first" >&2; exit 1; }
rm -rf "$work"; mkdir -p "$work"

# 1. The plugin's shaded jar as it is, and the same with grpc-okhttp.
(cd "$root" && ./mvnw -q -B -o package -DskipTests -DskipITs -Dspotless.check.skip=true)
cp "$root/target/ship-maven-plugin-0.1.0-SNAPSHOT.jar" "$work/okhttp.jar"
mkdir "$work/alt"
cp -r "$root/pom.xml" "$root/src" "$work/alt/"
python3 - "$work/alt/pom.xml" "$grpc_version" <<'PY'
import sys
path, version = sys.argv[1], sys.argv[2]
pom = open(path).read()
anchor = """      <artifactId>okhttp-jvm</artifactId>
      <version>${okhttp.version}</version>
    </dependency>
"""
assert anchor in pom, "pom.xml: the okhttp-jvm dependency moved; update bench/session-transport.sh"
pom = pom.replace(anchor, anchor + f"""    <dependency>
      <groupId>io.grpc</groupId>
      <artifactId>grpc-okhttp</artifactId>
      <version>{version}</version>
    </dependency>
    <dependency>
      <groupId>com.google.guava</groupId>
      <artifactId>failureaccess</artifactId>
      <version>1.0.3</version>
    </dependency>
""", 1)
open(path, "w").write(pom)
PY
# Not offline: grpc-okhttp and its dependencies may not be in ~/.m2 yet.
"$root/mvnw" -q -B -f "$work/alt/pom.xml" package -Dmaven.test.skip=true -DskipITs -Dspotless.check.skip=true
cp "$work/alt/target/ship-maven-plugin-0.1.0-SNAPSHOT.jar" "$work/grpc.jar"
"$root/mvnw" -q -B -f "$work/alt/pom.xml" dependency:list -DincludeScope=runtime \
  -DoutputFile="$work/grpc-deps.txt" >/dev/null
"$root/mvnw" -q -B -o -f "$root/pom.xml" dependency:list -DincludeScope=runtime \
  -DoutputFile="$work/okhttp-deps.txt" >/dev/null
rm -rf "$work/alt"

# 2. The bench's two classes, against the jar that has both.
mkdir "$work/classes"
javac --release 17 -nowarn -d "$work/classes" -cp "$work/grpc.jar" \
  $(find "$root/bench/transport" -name '*.java')

ctx=0
dir=
newctx() { # sets dir: a context directory never built before, with content never built before
  ctx=$((ctx + 1))
  dir=$work/ctx/$1-$ctx
  mkdir -p "$dir/src"
  printf 'FROM local/busybox:1\nCOPY . /app/\n' >"$dir/Dockerfile"
  printf '*.log\n' >"$dir/.dockerignore"
  printf 'run %04d of %-6s at %s\n' "$ctx" "$1" "$(date +%s%N)" >"$dir/src/hello.txt" # same size
}
tags=()
run() { # run CONTENDER [JVM options...]: one build in a fresh JVM; prints its line and its wall
  local who=$1 jar t0 line t1; shift
  jar=$work/$who.jar
  newctx "$who"
  tags+=("ship-bench-transport:$who-$ctx")
  t0=$(date +%s%N)
  line=$(timeout 120 java "$@" -Dbench.t0="$t0" -cp "$work/classes:$jar" \
    io.github.shipmaven.buildkit.TransportBench "$who" "$dir" "ship-bench-transport:$who-$ctx")
  t1=$(date +%s%N)
  echo "$t0 $t1" >>"$work/windows.txt"
  echo "$line wall=$(((t1 - t0) / 1000000))"
}
# From here on the engine is used: hold the lock the ITs and benches share.
exec 9>/tmp/ship-it.lock
flock 9
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
engine() { curl -sf --unix-socket "$socket" "$@"; }
engine http://docker/system/df | jq -r '.BuildCache[]?.ID' | sort >"$work/cache-before.txt"
: >"$work/windows.txt"
left=
# The build cache records these runs made: new since the start, made during one of the runs, of the
# three kinds a tiny COPY . build makes, and tiny. (Only the IDs tell records apart, and another
# helper's build during the runs, lock or not, makes records of the same kinds: never prune theirs.)
mine() {
  engine http://docker/system/df | python3 -c '
import json, sys, datetime
before = set(open(sys.argv[1]).read().split())
windows = [tuple(map(int, l.split())) for l in open(sys.argv[2]) if l.strip()]
kinds = {"local source for context", "local source for dockerfile", "fileop target"}
for r in json.load(sys.stdin).get("BuildCache") or []:
    stamp, _, frac = r["CreatedAt"].rstrip("Z").partition(".")
    at = datetime.datetime.fromisoformat(stamp).replace(tzinfo=datetime.timezone.utc)
    ns = int(at.timestamp()) * 10**9 + int((frac + "000000000")[:9])
    if (r["ID"] not in before and r["Description"] in kinds and r["Size"] < 200
            and any(t0 <= ns <= t1 for t0, t1 in windows)):
        print(r["ID"])
' "$work/cache-before.txt" "$work/windows.txt"
}
# Removes what the runs made, also when a run failed: the images, then their build cache records
# (one ID per request: Docker 20.10 takes one filter value; children before parents: rounds).
cleanup() {
  for tag in "${tags[@]}"; do docker rmi -f "$tag" >/dev/null 2>&1 || true; done
  for _ in 1 2 3; do
    made=$(mine)
    [ -n "$made" ] || break
    for id in $made; do
      engine -X POST "http://docker/build/prune?filters=$(jq -rn --arg id "$id" \
        '{id: {($id): true}} | tojson | @uri')" >/dev/null || true
    done
  done
  left=$(mine | wc -l)
  rm -rf "$work/ctx"
}
trap cleanup EXIT

# 3. Classes loaded (exact), one run each, which also waits for the daemon's first Health check and
# shows it answered; these runs also warm the file cache.
: >"$work/health.txt"
for who in okhttp grpc; do
  run "$who" -Xlog:class+load:file="$work/classes-$who.log" -Dbench.health=1 >>"$work/health.txt"
done

# 4. The timed rounds, alternating.
: >"$work/runs.txt"
for i in $(seq 1 "$rounds"); do
  if ((i % 2)); then order="okhttp grpc"; else order="grpc okhttp"; fi
  for who in $order; do run "$who" >>"$work/runs.txt"; tail -1 "$work/runs.txt"; done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
cleanup
trap - EXIT
flock -u 9

python3 - "$work" "$rounds" "$grpc_version" "$load_before" "$load_after" "$left" <<'PY'
import re, statistics as st, sys, zipfile, collections
work, rounds, version, load_before, load_after, left = sys.argv[1:7]
runs = collections.defaultdict(list)
for line in open(f"{work}/runs.txt"):
    who, *fields = line.split()
    runs[who].append({k: (int(v) if v.lstrip("-").isdigit() else v) for k, v in (f.split("=", 1) for f in fields)})
def stat(who, key, f=lambda r, k: r[k]):
    values = [f(r, key) for r in runs[who]]
    return st.median(values), min(values), max(values)
print(f"{rounds} rounds, each contender in a fresh JVM per run, alternating; load average "
      f"{load_before} before, {load_after} after (2 cores)")
print(f"{'ms from the launch of java':38} {'plugin (okhttp internal)':>26} {'grpc-okhttp ' + version:>26}  median ratio")
metrics = [("main", "to main"), ("ping", "to the daemon's ping"), ("open", "to the session open"),
           ("first-call", "to the first DiffCopy call"), ("built", "to the build's end"),
           ("wall", "whole process (exit included)"), ("cpu", "CPU time (user+sys)")]
for key, label in metrics:
    cells = []
    for who in ("okhttp", "grpc"):
        m, lo, hi = stat(who, key)
        cells.append(f"{m:,.0f} ({lo:,}-{hi:,})")
    ratios = [g[key] / o[key] for o, g in zip(runs["okhttp"], runs["grpc"]) if o[key] > 0]
    print(f"{label:38} {cells[0]:>26} {cells[1]:>26}  {st.median(ratios):.2f}x")
for key, label in [("first-call", "ping -> first DiffCopy call"), ("built", "ping -> build's end")]:
    cells = []
    for who in ("okhttp", "grpc"):
        m, lo, hi = stat(who, key, lambda r, k: r[k] - r["ping"])
        cells.append(f"{m:,.0f} ({lo:,}-{hi:,})")
    print(f"{label:38} {cells[0]:>26} {cells[1]:>26}")
sent = {(r["sent"], r["files"]) for w in runs for r in runs[w]}
print(f"FileSync sent (bytes, files) per build, every run: {sorted(sent)}")
for line in open(f"{work}/health.txt"):
    who, *fields = line.split()
    health = dict(f.split("=", 1) for f in fields)["health"]
    print(f"  {who}: the daemon's first Health check answered {health} ms after the launch"
          + (" (NOT answered)" if health == "-1" else ""))

def classes(who):
    groups = collections.Counter()
    total = 0
    for line in open(f"{work}/classes-{who}.log"):
        m = re.search(r"\] (\S+) source: (.*)", line)
        if not m:
            continue
        name, source = m.groups()
        total += 1
        if not source.startswith("file:"):
            groups["JDK"] += 1
        elif name.startswith("io.grpc."):
            groups["io.grpc"] += 1
        elif name.startswith(("okhttp3.", "okio.")):
            groups["okhttp3+okio"] += 1
        elif name.startswith("kotlin."):
            groups["kotlin"] += 1
        elif name.startswith(("com.google.", "io.perfmark.")):
            groups["guava/gson/perfmark"] += 1
        elif name.startswith("io.github.shipmaven."):
            groups["plugin+bench"] += 1
        else:
            groups["other libraries"] += 1
    return total, groups
print("classes loaded (-Xlog:class+load, one run each):")
for who in ("okhttp", "grpc"):
    total, groups = classes(who)
    print(f"  {who:7} {total:,}: " + ", ".join(f"{g} {n:,}" for g, n in sorted(groups.items())))

def entries(path):
    with zipfile.ZipFile(path) as z:
        return {i.filename: (i.compress_size, i.file_size) for i in z.infolist()}
a, b = entries(f"{work}/okhttp.jar"), entries(f"{work}/grpc.jar")
import os
sa, sb = os.path.getsize(f"{work}/okhttp.jar"), os.path.getsize(f"{work}/grpc.jar")
print(f"shaded plugin jar: {sa:,} bytes; with grpc-okhttp {version}: {sb:,} (+{sb - sa:,})")
added = collections.Counter()
for name in set(b) - set(a):
    parts = name.split("/")
    added["/".join(parts[:2]) if len(parts) > 2 else parts[0]] += b[name][0]
print("  added entries by package (compressed bytes): " +
      ", ".join(f"{p} {n:,}" for p, n in added.most_common(8)))
deps = lambda f: {l.strip().split(":")[0] + ":" + l.strip().split(":")[1] for l in open(f) if l.count(":") >= 4}
print("  artifacts added: " + ", ".join(sorted(deps(f"{work}/grpc-deps.txt") - deps(f"{work}/okhttp-deps.txt"))))
print(f"build cache records of these runs left behind: {left}")
PY

#!/usr/bin/env bash
# Cold cost of decoding BuildKit's progress (moby.buildkit.trace, protobuf StatusResponse): the
# plugin's hand-written reader (buildkit/BuildKitTrace) against protoc's generated classes on
# protobuf-java (the test-scope ones that check it), each in a fresh JVM, alternating. Every
# BuildKit build pays this once. Usage: bench/trace-decode.sh [RUNS]   (default 15)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-15}
cd "$root"
./mvnw -q -B -o test-compile -Dspotless.check.skip=true
cp="target/classes:target/test-classes:$(./mvnw -q -B -o dependency:build-classpath \
  -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test)"
decode() { java -Xshare:auto -cp "$cp" io.github.shipmaven.buildkit.TraceDecodeBench "$1"; }
decode hand >/dev/null; decode protoc >/dev/null # warm the file cache
out=$(for _ in $(seq 1 "$runs"); do decode hand; decode protoc; done)
python3 - "$runs" <<PY
import statistics as st, sys
rows = [l.split() for l in """$out""".splitlines()]
def med(kind, col): return st.median(int(r[col]) for r in rows if r[0] == kind)
h1, hall, p1, pall = med("hand", 1), med("hand", 2), med("protoc", 1), med("protoc", 2)
updates = rows[0][3]
print(f"{sys.argv[1]} fresh JVMs each, medians; {updates} updates of one captured BuildKit build")
print(f"hand-written reader: first update {h1/1000:.1f} ms, whole build {hall/1000:.1f} ms")
print(f"protobuf-java:       first update {p1/1000:.1f} ms, whole build {pall/1000:.1f} ms")
print(f"ratio protobuf-java / hand-written, whole build: {pall/hall:.0f}x ({(pall-hall)/1000:.0f} ms more per build)")
PY

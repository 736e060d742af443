#!/usr/bin/env bash
# Build-context speed: the same project -- 200 MB of incompressible data plus a 20,000-file
# node_modules that .dockerignore excludes -- built, alternating, with
#   - mvn ship:build                       (this plugin),
#   - mvn validate && docker build         (the CLI pair it replaces, same labels),
#   - mvn docker:build                     (fabric8 docker-maven-plugin, from Maven Central),
# RUNS times each (default 9: timings here drift 10-30% between runs); prints medians and ratios,
# then the ship:build run under -Xmx128m to show the heap does not grow with the context. Needs the
# stack of .ci/stack.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-9}
project=/tmp/ship-bench-context
fabric8=io.fabric8:docker-maven-plugin:0.48.1

cd "$root"
bash .ci/stack >/dev/null
./mvnw -q -B install -DskipTests -DskipITs

if [ ! -f "$project/.made" ]; then
  rm -rf "$project"; mkdir -p "$project/data" "$project/src"
  for i in 1 2 3 4; do head -c 50M /dev/urandom > "$project/data/blob$i.bin"; done
  python3 - "$project" <<'PY'
import os, sys
root = sys.argv[1]
for i in range(20000):
    d = os.path.join(root, "node_modules", "pkg%03d" % (i // 100))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%d.js" % i), "w") as f:
        f.write("module.exports = %d;\n" % i)
PY
  echo 'class Main {}' > "$project/src/Main.java"
  printf 'FROM scratch\nCOPY . /app/\n' > "$project/Dockerfile"
  printf 'node_modules\ntarget\n.git\n' > "$project/.dockerignore"
  printf 'node_modules/\ndata/\ntarget/\n.made\n' > "$project/.gitignore"
  cat > "$project/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId>
  <artifactId>context</artifactId>
  <version>1.0.0</version>
  <packaging>pom</packaging>
  <properties>
    <docker.name>bench/context:fabric8</docker.name>
  </properties>
  <build>
    <plugins>
      <plugin>
        <groupId>io.github.shipmaven</groupId>
        <artifactId>ship-maven-plugin</artifactId>
        <version>0.1.0-SNAPSHOT</version>
        <configuration>
          <image>bench/context</image>
          <tags><tag>ship</tag></tags>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
POM
  (cd "$project" && git init -q -b main && git add -A && git -c user.email=b@example.invalid -c user.name=bench commit -q -m bench)
  touch "$project/.made"
fi
cd "$project"

# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
ship() { "$root/mvnw" -q -B -o ship:build; }
labels=()
cli() { "$root/mvnw" -q -B -o validate && docker build -q -t bench/context:cli "${labels[@]}" .; }
fabric() { "$root/mvnw" -q -B -o "$fabric8:build"; }

# Warm up (and download fabric8 once); give the CLI the labels ship:build adds.
ship; (cd "$project" && "$root/mvnw" -q -B "$fabric8:build" >/dev/null 2>&1) || echo "fabric8 warm-up failed"
while IFS= read -r label; do labels+=(--label "$label"); done < <(
  docker image inspect bench/context:ship --format '{{range $k, $v := .Config.Labels}}{{$k}}={{$v}}{{"\n"}}{{end}}' | sed '/^$/d')
cli >/dev/null

s=() c=() f=()
for _ in $(seq 1 "$runs"); do
  s+=("$(ms ship)"); c+=("$(ms cli)"); f+=("$(ms fabric)")
done
ship_ms=$(echo "${s[*]}" | median); cli_ms=$(echo "${c[*]}" | median); f8_ms=$(echo "${f[*]}" | median)
echo "context: $(du -sh --exclude=node_modules --exclude=.git --exclude=target . | cut -f1) sent, node_modules ($(find node_modules -type f | wc -l) files) ignored; $runs runs each, medians"
echo "mvn ship:build:                 ${ship_ms} ms   (runs: ${s[*]})"
echo "mvn validate && docker build:   ${cli_ms} ms   (runs: ${c[*]})"
echo "mvn docker:build (fabric8):     ${f8_ms} ms   (runs: ${f[*]})"
# Each round runs ship:build and the CLI pair back to back, so their ratio is free of the drift
# between rounds; its median is the headline, the ratio of the two medians is shown beside it.
round_ratio=$(for i in "${!s[@]}"; do echo "${s[$i]} ${c[$i]}"; done |
  awk '{ print $1 / $2 }' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
awk -v s="$ship_ms" -v c="$cli_ms" -v f="$f8_ms" -v r="$round_ratio" 'BEGIN {
  printf "ratio ship / CLI pair:          %.2fx (median of the rounds; ratio of the medians %.2fx)\n", r, s / c;
  printf "ratio fabric8 / ship:           %.2fx\n", f / s }'
if MAVEN_OPTS="-Xmx128m" "$root/mvnw" -q -B -o ship:build >/dev/null 2>&1; then
  echo "ship:build with MAVEN_OPTS=-Xmx128m: passed (heap independent of the 200 MB context)"
else
  echo "ship:build with MAVEN_OPTS=-Xmx128m: FAILED"
fi

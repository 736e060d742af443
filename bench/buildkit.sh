#!/usr/bin/env bash
# BuildKit through the Engine API, measured: bench/buildkit.sh [ROUNDS] (default 9). Two parts;
# in each, every round runs every contender once, in an order that rotates from round to round,
# and the medians, spreads (min-max) and ratios are printed at the end.
#
# 1. A project whose Dockerfile has a dependency step with a cache mount (the Spring Boot guide's
#    shape: COPY the build files and sources, RUN --mount=type=cache,target=/root/.m2 ./mvnw ...).
#    A busybox script stands in for mvnw: it fetches each of 40 dependencies into ~/.m2 unless it
#    is there (a stand-in download: 50 ms of latency and 512 kB each), then packs the sources.
#    Built cold (new dependency list, new cache mount id: nothing cached) and again after a
#    one-line source change, three ways:
#      - ship      mvn ship:build (BuildKit);
#      - api       mvn validate, then the same request by tar | curl to POST /build?version=2
#                  (the same t, labels, networkmode and dockerfile): the Engine API's own cost
#                  without a JVM building, the limit for ship:build;
#      - classic   mvn ship:build -Dship.builder=classic, with the same Dockerfile minus the
#                  cache mount (the classic builder cannot run RUN --mount).
# 2. The seed-shaped project (FROM, COPY, RUN, CMD and four labels), one new commit a round:
#      - ship      mvn deploy: ship:build, ship:push of two tags, ship:deploy to a loopback hook;
#      - seed      the seed's shell steps: docker build (this docker CLI has no buildx, so it is
#                  the classic builder), docker login (into a throwaway DOCKER_CONFIG), docker
#                  push twice, curl the hook;
#      - maven     mvn validate, for reference: what Maven's start costs before any goal.
# Needs the stack of .ci/stack (Docker, the htpasswd registry on 127.0.0.1:5000, local/busybox:1)
# and uses the daemon heavily: run it under the integration tests' lock,
#   flock /tmp/ship-it.lock bench/buildkit.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-9}
work=/tmp/ship-bench-buildkit
hook_port=18099
prop() { sed -n "s/^$1=//p" "$root/src/it/stack.properties"; }
registry=$(prop it.registry)
user=$(prop it.registry.user)
password=$(prop it.registry.password)
plugin_version=0.1.0-SNAPSHOT
run=$(date +%s)  # in cache ids and markers: nothing from an earlier run of this script is reused

docker version >/dev/null 2>&1 || { echo "no Docker daemon: run .ci/stack first" >&2; exit 1; }
docker image inspect local/busybox:1 >/dev/null 2>&1 || { echo "no local/busybox:1: run .ci/stack first" >&2; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://$registry/v2/")" = 401 ] ||
  { echo "no htpasswd registry on $registry: run .ci/stack first" >&2; exit 1; }

# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
bench_maven "$work"
cd "$root"

# --- Part 1: the cache-mount project -------------------------------------------------------------
cache=$work/cache
rm -rf "$cache"; mkdir -p "$cache/src"
cat >"$cache/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId>
  <artifactId>buildkit</artifactId>
  <version>1.0.0</version>
  <packaging>pom</packaging>
  <properties>
    <bench.image>bench/buildkit-ship</bench.image>
  </properties>
  <build>
    <plugins>
      <plugin>
        <groupId>io.github.shipmaven</groupId>
        <artifactId>ship-maven-plugin</artifactId>
        <version>$plugin_version</version>
        <configuration>
          <image>\${bench.image}</image>
          <network>none</network>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
POM
cat >"$cache/mvnw" <<'SH'
#!/bin/sh
# Stands in for the Maven wrapper: fetches each dependency in deps.txt into ~/.m2 unless it is
# there (50 ms and 512 kB: a download), then packs the sources.
set -e
fetched=0
for dep in $(grep -v '^#' deps.txt); do
  jar=/root/.m2/repository/$dep.jar
  if [ ! -f "$jar" ]; then
    mkdir -p "$(dirname "$jar")"; sleep 0.05; head -c 524288 /dev/urandom >"$jar"
    fetched=$((fetched + 1))
  fi
done
echo "fetched $fetched dependencies"
mkdir -p target && cat deps.txt src/*.java >target/app.jar
SH
chmod +x "$cache/mvnw"
printf '.git\ntarget\n' >"$cache/.dockerignore"
printf 'target/\n' >"$cache/.gitignore"
dockerfile() {  # dockerfile MOUNT: the project's Dockerfile with this RUN flag (or none)
  cat <<DOCKERFILE
FROM local/busybox:1 AS build
WORKDIR /workspace/app
COPY mvnw deps.txt ./
COPY src src
RUN $1 ./mvnw package
FROM local/busybox:1
COPY --from=build /workspace/app/target/app.jar /app/app.jar
CMD ["cat", "/app/app.jar"]
DOCKERFILE
}
dockerfile "" | sed 's/RUN  /RUN /' >"$cache/Dockerfile.classic"
# cold MARKER: a new dependency list and, for BuildKit, a new cache mount: nothing is cached.
cold() {
  dockerfile "--mount=type=cache,id=bench-$1,target=/root/.m2" >"$cache/Dockerfile"
  { echo "# $1"; for i in $(seq 1 40); do echo "org/example/dep$i/1.$i/dep$i-1.$i"; done; } >"$cache/deps.txt"
  echo "class Main { String v = \"$1\"; }" >"$cache/src/Main.java"
  (cd "$cache" && commit "cold $1")
  api_query
}
# edit MARKER: one line of source changed.
edit() {
  echo "class Main { String v = \"$1 edited\"; }" >"$cache/src/Main.java"
  (cd "$cache" && commit "edit $1")
  api_query
}

ship_build() { (cd "$cache" && mvn ship:build); }
classic_build() { (cd "$cache" && mvn ship:build -Dship.builder=classic -Dship.dockerfile=Dockerfile.classic -Dbench.image=bench/buildkit-classic); }
urlencode() {
  local s=$1 out='' c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in [a-zA-Z0-9.~_-]) out+=$c ;; *) printf -v c '%%%02X' "'$c"; out+=$c ;; esac
  done
  echo "$out"
}
# The query ship:build sends for the commit at HEAD: the same tags, labels, network, Dockerfile.
# Made untimed, when the commit is made; ship:build works the same out inside its own time, so
# this only favours the limit.
api_query() {
  local sha created labels
  sha=$(git -C "$cache" rev-parse HEAD)
  created=$(TZ=UTC git -C "$cache" log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd)
  labels=$(printf '{"org.opencontainers.image.created":"%s","org.opencontainers.image.revision":"%s","org.opencontainers.image.title":"buildkit","org.opencontainers.image.version":"1.0.0"}' "$created" "$sha")
  api_path="/build?version=2&dockerfile=Dockerfile&t=$(urlencode "bench/buildkit-api:$sha")&t=$(urlencode "bench/buildkit-api:latest")&labels=$(urlencode "$labels")&networkmode=none"
}
api_build() {
  (
    cd "$cache"
    mvn validate
    local out
    out=$(tar -c --exclude=./.git --exclude=./target . |
      curl -sS --fail --unix-socket /var/run/docker.sock -X POST -H 'Content-Type: application/x-tar' \
        --data-binary @- "http://d$api_path")
    # As ship:build does: fail on an error line, require the image id.
    ! grep -q '"error' <<<"$out" && grep -q '"moby.image.id"' <<<"$out"
  )
}

git -C "$cache" init -q -b main
cold "$run-init"
# Warm-up, untimed: Maven's repository and the JIT's files in the page cache, each path once.
for c in ship api classic; do cold "$run-warmup-$c"; "${c}_build" >/dev/null; edit "$run-warmup-$c"; "${c}_build" >/dev/null; done

offline=-o
declare -A t
for r in $(seq 1 "$rounds"); do
  for c in $(rotate "$r" ship api classic); do
    cold "$run-$r-$c"; t[$c-cold]+="$(ms "${c}_build") "
    edit "$run-$r-$c"; t[$c-edit]+="$(ms "${c}_build") "
  done
done
# What the builds did, checked once more with their output: the cache mount is what saves the
# downloads after a source change; the classic builder fetches everything again.
cold "$run-check"; ship_build >/dev/null; edit "$run-check"
ship_check=$( (cd "$cache" && mvnw_ ship:build) | grep -o 'fetched [0-9]* dependencies' || true)
cold "$run-check-classic"; classic_build >/dev/null; edit "$run-check-classic"
classic_check=$( (cd "$cache" && mvnw_ ship:build -Dship.builder=classic -Dship.dockerfile=Dockerfile.classic -Dbench.image=bench/buildkit-classic) | grep -o 'fetched [0-9]* dependencies' || true)

read -ra ship_cold <<<"${t[ship-cold]}"; read -ra ship_edit <<<"${t[ship-edit]}"
read -ra api_cold <<<"${t[api-cold]}"; read -ra api_edit <<<"${t[api-edit]}"
read -ra classic_cold <<<"${t[classic-cold]}"; read -ra classic_edit <<<"${t[classic-edit]}"

# --- Part 2: the seed-shaped project, mvn deploy against the seed's shell steps -------------------
seed=$work/seed
rm -rf "$seed"; mkdir -p "$seed/www"
cat >"$seed/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId>
  <artifactId>seed</artifactId>
  <version>1.0.0</version>
  <packaging>pom</packaging>
  <properties>
    <maven.deploy.skip>true</maven.deploy.skip>
  </properties>
  <build>
    <plugins>
      <plugin>
        <artifactId>maven-install-plugin</artifactId>
        <version>3.1.4</version>
      </plugin>
      <plugin>
        <artifactId>maven-deploy-plugin</artifactId>
        <version>3.1.4</version>
      </plugin>
      <plugin>
        <groupId>io.github.shipmaven</groupId>
        <artifactId>ship-maven-plugin</artifactId>
        <version>$plugin_version</version>
        <configuration>
          <image>$registry/bench/seed-ship</image>
          <network>none</network>
        </configuration>
        <executions>
          <execution>
            <goals>
              <goal>build</goal>
              <goal>push</goal>
              <goal>deploy</goal>
            </goals>
          </execution>
        </executions>
      </plugin>
    </plugins>
  </build>
</project>
POM
cat >"$seed/Dockerfile" <<'DOCKERFILE'
FROM local/busybox:1
COPY www/ /www/
RUN cat /www/index.html >/www/copy.html
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
DOCKERFILE
printf '.git\ntarget\n' >"$seed/.dockerignore"
printf 'target/\n' >"$seed/.gitignore"
page() { echo "<h1>seed $1</h1>" >"$seed/www/index.html"; (cd "$seed" && commit "page $1"); }
(cd "$seed" && git init -q -b main && page "$run-init")

# The deploy hook: a loopback stand-in answering as Render's hook does.
python3 - "$hook_port" >/dev/null 2>&1 <<'PY' &
import http.server, sys
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = b'{"deploy":{"id":"dep-bench"}}'
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Hook).serve_forever()
PY
hook_pid=$!
config=$(mktemp -d)  # the seed's docker login writes here, never ~/.docker
trap 'kill "$hook_pid" 2>/dev/null; rm -rf "$config"' EXIT
hook="http://127.0.0.1:$hook_port/deploy/srv-bench?key=bench-key"
for _ in $(seq 1 40); do curl -s -o /dev/null -X POST "$hook" && break; sleep 0.1; done

ship_deploy() {
  (cd "$seed" && SHIP_REGISTRY_USERNAME=$user SHIP_REGISTRY_PASSWORD=$password RENDER_DEPLOY_HOOK_URL=$hook mvn deploy)
}
maven_alone() { (cd "$seed" && mvn validate); }
seed_labels=()
seed_steps() {
  (
    cd "$seed"
    local sha image=$registry/bench/seed-cli
    sha=$(git rev-parse HEAD)
    export DOCKER_CONFIG=$config
    docker build -q -t "$image:$sha" -t "$image:latest" "${seed_labels[@]}" .
    echo "$password" | docker login -u "$user" --password-stdin "$registry"
    docker push "$image:$sha"
    docker push "$image:latest"
    curl -fsS -X POST "$hook"
  )
}
# The CLI gets the labels ship:build adds (four: created, revision, title, version).
offline=
ship_deploy >/dev/null
while IFS= read -r label; do seed_labels+=(--label "$label"); done < <(
  docker image inspect "$registry/bench/seed-ship:latest" --format '{{range $k, $v := .Config.Labels}}{{$k}}={{$v}}{{"\n"}}{{end}}' | sed '/^$/d')
page "$run-warmup"; seed_steps >/dev/null 2>&1; ship_deploy >/dev/null; maven_alone >/dev/null

offline=-o
declare -A d
for r in $(seq 1 "$rounds"); do
  for c in $(rotate "$r" ship seed maven); do
    page "$run-$r-$c"
    case $c in
      ship) d[ship]+="$(ms ship_deploy) " ;;
      seed) d[seed]+="$(ms seed_steps) " ;;
      maven) d[maven]+="$(ms maven_alone) " ;;
    esac
  done
done
read -ra deploy_ship <<<"${d[ship]}"; read -ra deploy_seed <<<"${d[seed]}"; read -ra maven_only <<<"${d[maven]}"

# The images this run tagged; the cache mounts stay for the daemon's build-cache collection.
docker images --format '{{.Repository}}:{{.Tag}}' |
  grep -E "^(bench/buildkit-(ship|api|classic)|$registry/bench/seed-(ship|cli)):" | xargs -r docker rmi >/dev/null

# --- Results ------------------------------------------------------------------------------------
echo "$rounds rounds, contenders alternating; median ms (min-max)"
echo
echo "1. dependency step with a cache mount (40 stand-in downloads of 512 kB / 50 ms)"
printf '%-62s %-24s %s\n' "" "cold" "one-line source change"
printf '%-62s %-24s %s\n' "mvn ship:build (BuildKit)" "$(stats "${ship_cold[@]}")" "$(stats "${ship_edit[@]}")"
printf '%-62s %-24s %s\n' "mvn validate + tar | curl POST /build?version=2 (the limit)" "$(stats "${api_cold[@]}")" "$(stats "${api_edit[@]}")"
printf '%-62s %-24s %s\n' "mvn ship:build -Dship.builder=classic (no cache mount)" "$(stats "${classic_cold[@]}")" "$(stats "${classic_edit[@]}")"
printf '%-62s %-24s %s\n' "ship:build / tar|curl (median of the rounds' ratios)" "$(ratio ship_cold api_cold)" "$(ratio ship_edit api_edit)"
printf '%-62s %-24s %s\n' "classic / ship:build" "$(ratio classic_cold ship_cold)" "$(ratio classic_edit ship_edit)"
echo "after the source change, ship:build: ${ship_check:-?}; classic: ${classic_check:-?}"
echo
echo "2. seed-shaped project: build, push two tags, deploy hook"
printf '%-62s %s\n' "mvn deploy (ship: BuildKit)" "$(stats "${deploy_ship[@]}")"
printf '%-62s %s\n' "docker build (classic) + login + push x2 + curl" "$(stats "${deploy_seed[@]}")"
printf '%-62s %s\n' "mvn validate (Maven alone, for reference)" "$(stats "${maven_only[@]}")"
printf '%-62s %s\n' "mvn deploy / shell steps (median of the rounds' ratios)" "$(ratio deploy_ship deploy_seed)"
read -ra over <<<"$(for i in "${!deploy_ship[@]}"; do echo $((deploy_ship[i] - maven_only[i])); done | tr '\n' ' ')"
printf '%-62s %s\n' "mvn deploy minus mvn validate of the same round" "$(stats "${over[@]}")"

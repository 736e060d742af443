#!/usr/bin/env bash
# The deploy step against a loopback Render stand-in, against curl calling the same hook. Builds
# the plugin once into a throwaway local repository (chained to ~/.m2, so nothing else sees this
# build), makes a one-commit consumer project whose target/ship/image.json records a digest pushed
# from HEAD, starts the stand-in on a free loopback port, and times, alternating round by round:
#   - mvn -q ship:deploy                     (RENDER_DEPLOY_HOOK_URL pointing at the stand-in),
#   - mvn -q validate                        (Maven alone),
#   - curl -s -X POST '<hook>&imgURL=…'      (the call the goal makes),
#   - mvn ship:deploy with timestamps        (the in-goal time: from the `--- ship:…:deploy` line to
#                                             the `Render deploy … of …` line).
# Prints medians with their spread, and ship:deploy over validate (per round) beside curl.
# Usage: bench/deploy.sh [ROUNDS]   (default 21). Needs java, git, curl, python3; no Docker.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-21}
work=/tmp/ship-bench-deploy
repo_local="$work/m2"
project="$work/project"
image=127.0.0.1:5000/bench/deploy
digest="sha256:$(printf 'cd%.0s' $(seq 1 32))"
hook_key=benchhookkey
api_key=benchapikey
mvn_repo=(-Dmaven.repo.local="$repo_local" -Dmaven.repo.local.tail="$HOME/.m2/repository")

mkdir -p "$work"
cd "$root"
./mvnw -q -B install -DskipTests -DskipITs "${mvn_repo[@]}"
plugin_version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' pom.xml | head -1)

rm -rf "$project"; mkdir -p "$project"
cat > "$project/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId>
  <artifactId>deploy</artifactId>
  <version>1.0.0</version>
  <packaging>pom</packaging>
  <build>
    <plugins>
      <plugin>
        <groupId>io.github.shipmaven</groupId>
        <artifactId>ship-maven-plugin</artifactId>
        <version>$plugin_version</version>
        <configuration>
          <image>$image</image>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
POM
printf 'target/\n' > "$project/.gitignore"
(cd "$project" && git init -q -b main && git add -A &&
  git -c user.email=b@example.invalid -c user.name=bench commit -q -m bench)
sha=$(git -C "$project" rev-parse HEAD)
# What ship:push leaves: the digest pushed from HEAD. ship:deploy adds its deploy and keeps these.
mkdir -p "$project/target/ship"
printf '{"image":"%s","digest":"%s","git":{"sha":"%s"}}\n' "$image" "$digest" "$sha" \
  > "$project/target/ship/image.json"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The stand-in is a test class; Jackson comes from the plugin's shaded jar.
java -cp "target/test-classes:target/ship-maven-plugin-$plugin_version.jar" \
  io.github.shipmaven.it.RenderStandIn "$port" "$hook_key" "$api_key" live >/dev/null 2>&1 &
standin=$!
trap 'kill "$standin" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
hook="http://127.0.0.1:$port/deploy/srv-bench1?key=$hook_key"
export RENDER_DEPLOY_HOOK_URL="$hook"
img_param=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$image@$digest")

cd "$project"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
mvn_q() { "$root/mvnw" -q -B -o "${mvn_repo[@]}" "$@"; }
deploy() { mvn_q ship:deploy; }
validate() { mvn_q validate; }
call() { curl -sf -o /dev/null -X POST "$hook&imgURL=$img_param"; }
log="$work/deploy.log"
# ms from the goal's start line to its result line, read from Maven's own timestamps
in_goal() {
  "$root/mvnw" -B -o "${mvn_repo[@]}" -Dorg.slf4j.simpleLogger.showDateTime=true \
    -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS ship:deploy > "$log" 2>&1 ||
    { cat "$log" >&2; echo "failed: mvn ship:deploy" >&2; exit 1; }
  awk 'function ms(t, p) { split(t, p, /[:.]/); return ((p[1] * 60 + p[2]) * 60 + p[3]) * 1000 + p[4] }
    / --- ship:.*:deploy / { s = ms($1) } /Render deploy .* of / { e = ms($1) }
    END { if (s == "" || e == "") exit 1; print e - s }' "$log"
}

# warm up: the file cache, Maven's plugin resolution, the stand-in's JIT
deploy >/dev/null; validate >/dev/null; call; in_goal >/dev/null
grep -q "Render deploy dep-" "$log" || { cat "$log"; echo "no deploy id in the log" >&2; exit 1; }

d=() v=() c=() g=()
for _ in $(seq 1 "$rounds"); do
  d+=("$(ms deploy)"); v+=("$(ms validate)"); c+=("$(ms call)"); g+=("$(in_goal)")
done
# the spread: the middle half of the runs (first to third quartile), then the extremes
spread() {
  tr ' ' '\n' | sed '/^$/d' | sort -n |
    awk '{ a[NR] = $1 } END { printf "%d–%d, all %d–%d", a[int((NR + 3) / 4)], a[int((3 * NR + 1) / 4)], a[1], a[NR] }'
}
# ship:deploy − validate of each round, whose median is free of the drift between rounds
over=()
for i in "${!d[@]}"; do over+=($((d[i] - v[i]))); done
row() { printf '%-40s %6s   (%s)\n' "$1" "$(echo "$2" | median)" "$(echo "$2" | spread)"; }
echo "deploy step against a loopback Render stand-in; $rounds rounds, alternating; ms: median (quartiles, all)"
row "mvn -q ship:deploy" "${d[*]}"
row "mvn -q validate" "${v[*]}"
row "ship:deploy - validate, per round" "${over[*]}"
row "in the goal: start line to result line" "${g[*]}"
row "curl -s -X POST to the hook" "${c[*]}"
echo "rerun: bench/deploy.sh $rounds"

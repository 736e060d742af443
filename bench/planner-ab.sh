#!/usr/bin/env bash
# Cold-start A/B of two commits of the plugin: each is built once into a local repository of the
# benchmark's own (/tmp/ship-bench-planner-repo, ~/.m2 behind it read-only) as version 0.1.0-ab-<sha> and one small consumer project (pom packaging, a FROM scratch Dockerfile, a git
# repository of one commit) picks it with -Dship.version. Per round, every scenario runs once with
# each version, back to back, the order swapped every round (the machine is shared and drifts):
#   validate       mvn validate, the baseline: Maven alone, no ship goal runs
#   info           mvn ship:info, nothing bound
#   info-bound     mvn ship:info, build+push+deploy bound in the POM
#   build          mvn package, ship:build bound (classic builder, the real daemon)
#   build-bound    mvn package, build+push+deploy bound to package, push and deploy skipped by -D
#                  (so the after-planner configures two other ship executions)
# Prints per scenario the medians of A and B with their spread (p25-p75), the median of the
# per-round ratios B/A and of the differences B-A, how many rounds B was slower (sign test), and the
# goal cost (total - validate, per round and version). Builds outside, measures under, the shared
# lock /tmp/ship-it.lock (about 35 s a round here with all five scenarios).
# Usage: bench/planner-ab.sh [A] [B] [PAIRS]     (default: e80bec4 f873ad2 15)
#        SCENARIOS="validate info" bench/planner-ab.sh ...   runs only those (validate first)
# Raw times: /tmp/ship-bench-planner/times-<A>-<B>.txt; bench/planner-ab.sh --summary FILE reprints.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
project=/tmp/ship-bench-planner
# Throwaway versions never go into ~/.m2: the site's plugin report and anyone else reading it would
# see them as releases.
repo_args=(-Dmaven.repo.local=/tmp/ship-bench-planner-repo -Dmaven.repo.local.tail="$HOME/.m2/repository")

summary() {
  python3 - "$1" <<'PY'
import math, statistics as st, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
a_ver, b_ver = rows[0][2], rows[0][3]
order, times = [], {}
for rnd, scen, a, b in ((r[0], r[1], int(r[4]), int(r[5])) for r in rows):
    if scen not in times:
        order.append(scen); times[scen] = []
    times[scen].append((a, b))
def q(xs, p):  # linear-interpolated percentile
    xs = sorted(xs); k = (len(xs) - 1) * p; f = math.floor(k); c = min(f + 1, len(xs) - 1)
    return xs[f] + (xs[c] - xs[f]) * (k - f)
def sign_p(k, n):  # two-sided sign test
    tail = sum(math.comb(n, i) for i in range(max(k, n - k), n + 1)) / 2 ** n
    return min(1.0, 2 * tail)
print(f"A = {a_ver}, B = {b_ver}; {len(times[order[0]])} rounds; ms, median [p25-p75]")
print(f"{'scenario':<12} {'A':>18} {'B':>18} {'B/A per round':>22} {'B-A per round':>20} {'B slower':>16}")
base = {}
for s in order:
    a = [x for x, _ in times[s]]; b = [y for _, y in times[s]]
    r = [y / x for x, y in times[s]]; d = [y - x for x, y in times[s]]
    slower = sum(1 for x in d if x > 0)
    if s == "validate":
        base = {"a": st.median(a), "b": st.median(b)}
    print(f"{s:<12} {st.median(a):>6.0f} [{q(a,.25):>4.0f}-{q(a,.75):>4.0f}] "
          f"{st.median(b):>6.0f} [{q(b,.25):>4.0f}-{q(b,.75):>4.0f}] "
          f"{st.median(r):>6.3f} [{q(r,.25):.3f}-{q(r,.75):.3f}] "
          f"{st.median(d):>+5.0f} [{q(d,.25):+.0f}..{q(d,.75):+.0f}] "
          f"{slower:>3}/{len(d)} p={sign_p(slower, len(d)):.2f}")
if base:
    # per round: the scenario's time less the same version's validate of that round
    print("goal cost = total - validate of the same round and version, median over rounds (ms):")
    for s in order:
        if s == "validate":
            continue
        pairs = list(zip(times[s], times["validate"]))
        a = st.median(x - v for (x, _), (v, _) in pairs)
        b = st.median(y - w for (_, y), (_, w) in pairs)
        d = st.median((y - w) - (x - v) for (x, y), (v, w) in pairs)
        print(f"  {s:<12} A {a:>5.0f}   B {b:>5.0f}   B/A {b / a:.2f}   B-A per round {d:>+5.0f}")
PY
}

if [ "${1:-}" = "--summary" ]; then
  summary "$2"
  exit 0
fi
if [ "${1:-}" = "--measure" ]; then # --measure A_VERSION B_VERSION PAIRS TIMES, under the lock
  a=$2 b=$3 pairs=$4 times=$5
  cd "$project"
  declare -A scenario=(
    [validate]="-f pom-bound.xml validate"
    [info]="-f pom-info.xml ship:info"
    [info-bound]="-f pom-bound.xml ship:info"
    [build]="-f pom-build.xml package"
    [build-bound]="-f pom-bound.xml package -Dship.push.skip=true -Dship.deploy.skip=true"
  )
  read -r -a names <<< "${SCENARIOS:-validate info info-bound build build-bound}"
  # shellcheck source=bench/lib.sh
  source "$root/bench/lib.sh"
  run() { # run VERSION SCENARIO
    # shellcheck disable=SC2086
    "$root/mvnw" -q -B -o "${repo_args[@]}" ${scenario[$2]} -Dship.version="$1"
  }
  for name in "${names[@]}"; do ms run "$a" "$name" >/dev/null; ms run "$b" "$name" >/dev/null; done
  : > "$times"
  for round in $(seq 1 "$pairs"); do
    for name in "${names[@]}"; do
      if [ $((round % 2)) = 1 ]; then
        ta=$(ms run "$a" "$name"); tb=$(ms run "$b" "$name")
      else
        tb=$(ms run "$b" "$name"); ta=$(ms run "$a" "$name")
      fi
      echo "$round $name $a $b $ta $tb" >> "$times"
    done
  done
  docker image rm 127.0.0.1:5000/bench/planner:bench >/dev/null 2>&1 || true
  exit 0
fi
a_commit=${1:-e80bec4}
b_commit=${2:-f873ad2}
pairs=${3:-15}

# install COMMIT: builds the plugin at COMMIT in a throwaway worktree as 0.1.0-ab-<sha> and
# installs it into the benchmark's repository, once per commit; prints the version.
install() {
  local sha version jar tree
  sha=$(git -C "$root" rev-parse --short=10 "$1^{commit}")
  version=0.1.0-ab-$sha
  jar=/tmp/ship-bench-planner-repo/io/github/shipmaven/ship-maven-plugin/$version/ship-maven-plugin-$version.jar
  if [ ! -f "$jar" ]; then
    tree=$(mktemp -d /tmp/planner-ab-XXXXXX)
    git -C "$root" worktree add -q --detach "$tree" "$sha"
    if ! (
      cd "$tree"
      # the project's own version (the first <version>), so plugin.xml carries it too
      sed -i "0,/<version>0.1.0-SNAPSHOT<\/version>/s//<version>$version<\/version>/" pom.xml
      ./mvnw -q -B -o "${repo_args[@]}" package -DskipTests -DskipITs -Dmaven.test.skip=true -Dspotless.check.skip=true
      ./mvnw -q -B -o "${repo_args[@]}" install:install-file -Dfile="target/ship-maven-plugin-$version.jar" \
        -DpomFile=dependency-reduced-pom.xml
    ) >&2; then
      git -C "$root" worktree remove --force "$tree"
      echo "building $1 failed" >&2
      exit 1
    fi
    git -C "$root" worktree remove --force "$tree"
  fi
  echo "$version"
}
a=$(install "$a_commit")
b=$(install "$b_commit")

rm -rf "$project"; mkdir -p "$project"; cd "$project"
printf 'FROM scratch\nCOPY hello.txt /\n' > Dockerfile
echo hello > hello.txt
printf '.git\ntarget\n' > .dockerignore
printf 'target/\ntimes-*\n' > .gitignore
pom() { # pom FILE EXECUTIONS
  cat > "$1" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId>
  <artifactId>planner</artifactId>
  <version>1.0.0</version>
  <packaging>pom</packaging>
  <properties>
    <ship.version>0.1.0-SNAPSHOT</ship.version>
    <!-- read by versions that have <builder> (auto would pick BuildKit here), unused by older -->
    <ship.builder>classic</ship.builder>
    <project.build.outputTimestamp>2026-01-01T00:00:00Z</project.build.outputTimestamp>
  </properties>
  <build>
    <plugins>
      <plugin>
        <groupId>io.github.shipmaven</groupId>
        <artifactId>ship-maven-plugin</artifactId>
        <version>\${ship.version}</version>
        <configuration>
          <image>127.0.0.1:5000/bench/planner</image>
          <tags><tag>bench</tag></tags>
        </configuration>
        <executions>$2
        </executions>
      </plugin>
    </plugins>
  </build>
</project>
POM
}
ex() { printf '\n          <execution><id>%s</id><phase>package</phase><goals><goal>%s</goal></goals></execution>' "$1" "$1"; }
pom pom-info.xml ""
pom pom-build.xml "$(ex build)"
pom pom-bound.xml "$(ex build)$(ex push)$(ex deploy)"
git init -q -b main && git add -A
git -c user.email=b@example.invalid -c user.name=bench commit -q -m bench

# Versions before the planner check the deploy hook of a bound ship:deploy even when it is skipped:
# a loopback one that is never called.
export RENDER_DEPLOY_HOOK_URL='http://127.0.0.1:9/deploy/srv-bench?key=benchkey0123'
unset MAVEN_OPTS
times=$project/times-$a-$b.txt
flock /tmp/ship-it.lock "$root/bench/planner-ab.sh" --measure "$a" "$b" "$pairs" "$times"
echo "load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
summary "$times"

#!/usr/bin/env bash
# The plugin's git step on a generated repository of 100,000 tracked files, in one run, against
#   - native git: `git rev-parse HEAD && git status --porcelain --untracked-files=no`,
#   - git-commit-id-maven-plugin (JGit mode, from Maven Central), through Maven, as ship:info is.
# The in-process steady state alternates with native git in one loop (30 calls each; the ratio is
# of the medians of the last 15). Prints medians and ratios. Usage: bench/git-step.sh [RUNS] [FILES]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
files=${2:-100000}
repo=/tmp/ship-bench-repo-$files
gcid=io.github.git-commit-id:git-commit-id-maven-plugin:9.0.1
# The plugin is installed into a repository of the benchmark's own, ~/.m2 behind it read-only.
mvn_repo=(-Dmaven.repo.local=/tmp/ship-bench-git-m2 -Dmaven.repo.local.tail="$HOME/.m2/repository")

"$root/bench/make-repo.sh" "$repo" "$files" >/dev/null
cd "$root"
./mvnw -q -B install -DskipTests -DskipITs "${mvn_repo[@]}"
cp=$(./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test)
plugin=io.github.shipmaven:ship-maven-plugin:0.1.0-SNAPSHOT

# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
native() { git -C "$repo" rev-parse HEAD && git -C "$repo" status --porcelain --untracked-files=no; }
mvn_ship() { (cd "$repo" && "$root/mvnw" -q -B -o "${mvn_repo[@]}" "$plugin:info" -Dship.image=bench/monorepo); }
mvn_gcid() { (cd "$repo" && "$root/mvnw" -q -B -o "${mvn_repo[@]}" "$gcid:revision" -Dmaven.gitcommitid.nativegit=false); }
mvn_base() { (cd "$repo" && "$root/mvnw" -q -B -o "${mvn_repo[@]}" validate); }

# warm the file cache and Maven's repository (downloads git-commit-id-maven-plugin once)
native >/dev/null; (cd "$repo" && "$root/mvnw" -q -B "${mvn_repo[@]}" "$gcid:revision" >/dev/null); mvn_ship >/dev/null

n=() s=() g=() b=()
for _ in $(seq 1 "$runs"); do
  n+=("$(ms native)"); s+=("$(ms mvn_ship)"); g+=("$(ms mvn_gcid)"); b+=("$(ms mvn_base)")
done
native_ms=$(echo "${n[*]}" | median)
ship_ms=$(echo "${s[*]}" | median)
gcid_ms=$(echo "${g[*]}" | median)
base_ms=$(echo "${b[*]}" | median)
inproc=$(java -cp "target/classes:target/test-classes:$cp" io.github.shipmaven.bench.GitStepBench "$repo" 30 --native 2>/dev/null)

echo "repository: $files tracked files, $runs runs each, medians"
echo "native git (rev-parse + status --untracked-files=no): ${native_ms} ms"
echo "$inproc"
echo "mvn validate (Maven alone):                        ${base_ms} ms"
echo "mvn ship:info:                                     ${ship_ms} ms (git step + plan: $((ship_ms - base_ms)) ms over Maven)"
echo "mvn git-commit-id:revision (JGit):                 ${gcid_ms} ms ($((gcid_ms - base_ms)) ms over Maven)"
awk -v s="$((ship_ms - base_ms))" -v g="$((gcid_ms - base_ms))" -v n="$native_ms" 'BEGIN {
  printf "ratio ship over Maven / native git:             %.2fx\n", s / n;
  printf "ratio git-commit-id over Maven / ship over Maven: %.2fx\n", g / s }'

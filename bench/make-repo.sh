#!/usr/bin/env bash
# Generates (once) a git repository of N tracked files, as a large monorepo checkout would be:
# bench/make-repo.sh DIR [N]. Prints DIR.
set -euo pipefail
dir=${1:?usage: make-repo.sh DIR [FILES]}
files=${2:-100000}
if [ -f "$dir/.made-$files" ]; then echo "$dir"; exit 0; fi
rm -rf "$dir"; mkdir -p "$dir"; cd "$dir"
git init -q -b main
per_dir=100
python3 - "$files" "$per_dir" <<'PY'
import os, sys
files, per_dir = int(sys.argv[1]), int(sys.argv[2])
for i in range(files):
    d = "src/m%03d/p%03d" % (i // (per_dir * 100), (i // per_dir) % 100)
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/F{i}.java", "w") as f:
        f.write(f"class F{i} {{ int v = {i}; }}\n")
PY
printf 'target/\n.made-*\n' > .gitignore
cat > pom.xml <<'POM'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId>
  <artifactId>monorepo</artifactId>
  <!-- jar, not pom: git-commit-id-maven-plugin skips pom projects -->
  <version>1.0.0</version>
</project>
POM
git add -A
git -c user.email=b@example.invalid -c user.name=bench commit -q -m "generated"
# make the index stat info settle, as a checkout that has been used a while
sleep 1; git status --porcelain --untracked-files=no >/dev/null
touch ".made-$files"
echo "$dir"

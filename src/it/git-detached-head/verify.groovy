import io.github.shipmaven.it.ItSupport
def sha = ItSupport.headSha(basedir)
def log = new File(basedir, "build.log").text
assert log.contains("Commit:     ${sha} (clean)")
assert log.contains("Branch:     feature/login (from GitHub Actions GITHUB_REF)")
assert log.contains("it/git-detached-head:feature-login-${sha.substring(0, 7)}")
assert log.contains("Branch:     release/audit (from env CIRCLE_BRANCH, no CI marker variable set)")
assert log.contains("it/git-detached-head:release-audit-${sha.substring(0, 7)}")
assert log.count("BUILD SUCCESS") == 2
// ship:info names the engine it talks to (the stack's Docker Engine 20.10).
assert log.contains("Engine:     Docker Engine 20.10")
return true

import io.github.shipmaven.it.ItSupport
def sha = ItSupport.headSha(basedir)
def log = new File(basedir, "build.log").text
assert log.contains("Commit:     ${sha} (clean)")
assert log.contains("Branch:     feature/login (from GitHub Actions GITHUB_REF)")
assert log.contains("it/git-detached-head:feature-login-${sha.substring(0, 7)}")
// ship:info names the engine it talks to (the stack's Docker Engine 20.10).
assert log.contains("Engine:     Docker Engine 20.10")
return true

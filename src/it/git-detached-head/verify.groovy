import io.github.shipmaven.it.ItSupport
def sha = ItSupport.headSha(basedir)
def log = new File(basedir, "build.log").text
assert log.contains("Commit:     ${sha} (clean)")
assert log.contains("Branch:     feature/login (from GitHub Actions GITHUB_REF)")
assert log.contains("it/git-detached-head:feature-login-${sha.substring(0, 7)}")
return true

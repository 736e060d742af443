import io.github.shipmaven.it.ItSupport
def sha = ItSupport.headSha(basedir)
def log = new File(basedir, "build.log").text
assert log.contains("Commit:     ${sha} (clean)")
assert log.contains("Branch:     main (from git (HEAD is on a branch))")
return true

import io.github.shipmaven.it.ItSupport
assert new File(basedir, ".git").isFile() : "not a linked worktree"
def sha = ItSupport.headSha(basedir)
def log = new File(basedir, "build.log").text
assert log.contains("Commit:     ${sha} (clean)")
assert log.contains("Branch:     wt-branch (from git (HEAD is on a branch))")
return true

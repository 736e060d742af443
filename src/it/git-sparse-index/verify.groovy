import io.github.shipmaven.it.ItSupport

def log = new File(basedir, "build.log").text
assert !log.contains("Invalid path") && !log.contains("CorruptObjectException")
assert !log.contains("BUILD FAILURE")
// git's own answer, in both runs
def git = ItSupport.run(basedir, "git", "status", "--porcelain", "--untracked-files=no").trim()
assert git == "M src/app.txt"
def sha = ItSupport.headSha(basedir)
assert log.count("Commit:     ${sha} with uncommitted changes to src/app.txt") == 2
return true

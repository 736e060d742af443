import io.github.shipmaven.it.ItSupport
def origin = new File(basedir.parentFile, basedir.name + "-origin")
def sha = ItSupport.headSha(origin)
assert ItSupport.run(basedir, "git", "rev-parse", "--is-shallow-repository").trim() == "true"
def log = new File(basedir, "build.log").text
assert log.contains("Commit:     ${sha} (clean)")
assert log.contains("Branch:     feature/shallow (from CircleCI CIRCLE_BRANCH)")
assert log.contains(":feature-shallow-${sha.substring(0, 7)}")
return true

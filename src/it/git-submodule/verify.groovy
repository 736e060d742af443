import io.github.shipmaven.it.ItSupport
def origin = new File(basedir.parentFile, basedir.name + "-app-origin")
def appSha = ItSupport.headSha(origin)
def superSha = ItSupport.headSha(basedir)
assert appSha != superSha
assert new File(basedir, "app/.git").isFile() : "app is not a submodule checkout"
def log = new File(basedir, "build.log").text
assert log.contains("Commit:     ${appSha} (clean)") : "the submodule's commit was not read"
assert log.contains("Branch:     main (from Bitbucket Pipelines BITBUCKET_BRANCH)")
return true

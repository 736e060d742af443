import groovy.json.JsonSlurper
import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

def calls = RenderStandIn.on(renderPort as int).calls()
RenderStandIn.stop(renderPort as int)

def log = new File(basedir, "build.log").getText("UTF-8")
assert !log.contains("InvalidPathException") && !log.contains("Malformed input")
assert log.contains("BUILD SUCCESS")
assert !log.contains("BUILD FAILURE")
// ship:info ran after the pipeline, in the same locale, and found the tree clean
assert log.contains(" (clean)") : "ship:info does not say the tree is clean"
def sha = ItSupport.headSha(basedir)
def record = new JsonSlurper().parse(new File(basedir, "target/ship/image.json"))
assert record.git.dirty == false
assert record.tags == [sha, "latest"] : "a -dirty tag: ${record.tags}"
assert ItSupport.registryDigest(registry, "it/git-c-locale", sha, registryUser, registryPassword) == record.digest
assert calls.size() == 1 && calls[0].imgUrl() == "${registry}/it/git-c-locale@${record.digest}"
return true

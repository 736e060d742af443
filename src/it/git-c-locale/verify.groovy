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
// The context kept the names as bytes (the session's FileSync): the image has all three files,
// the one whose name is not UTF-8 included.
def image = "${registry}/it/git-c-locale:${sha}"
def listing = ItSupport.run(basedir, "docker", "run", "--rm", "--network", "none", image,
    "sh", "-c", "ls /www/docs | wc -l; cat \"/www/docs/\$(printf 'bad\\377name')\"")
assert listing.trim().split("\n")*.trim() == ["3", "x"] : listing
// Names the JVM cannot spell under every locale: removed with rm, so a second run of the ITs
// (whose clean-up is Java's) is not stopped by them.
ItSupport.run(basedir, "rm", "-rf", "docs")
return true

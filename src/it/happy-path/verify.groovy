import groovy.json.JsonSlurper
import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

def calls = RenderStandIn.on(renderPort as int).calls()
RenderStandIn.stop(renderPort as int)

def sha = ItSupport.headSha(basedir)
def repository = "it/happy-path"
def shaDigest = ItSupport.registryDigest(registry, repository, sha, registryUser, registryPassword)
def latestDigest = ItSupport.registryDigest(registry, repository, "latest", registryUser, registryPassword)
assert shaDigest != null : "tag ${sha} is not in the registry"
assert shaDigest == latestDigest : "tags differ: ${shaDigest} vs ${latestDigest}"

def record = new JsonSlurper().parse(new File(basedir, "target/ship/image.json"))
assert record.image == "${registry}/${repository}"
assert record.tags == [sha, "latest"]
assert record.digest == shaDigest
assert record.git.sha == sha
assert record.git.shortSha == sha.substring(0, 7)
assert record.git.branch == "main"
assert record.git.dirty == false
assert record.imageId.startsWith("sha256:")
assert record.deploy.id == "dep-standin1"
assert record.deploy.status == "live"

assert calls.size() == 1 : "expected one hook call, got ${calls}"
assert calls[0].keyValid()
assert calls[0].serviceId() == "srv-it0001"
assert calls[0].imgUrl() == "${registry}/${repository}@${shaDigest}"

def labels = ItSupport.run(basedir, "docker", "image", "inspect", "--format", "{{json .Config.Labels}}", "${registry}/${repository}:${sha}")
def parsed = new JsonSlurper().parseText(labels)
assert parsed["org.opencontainers.image.revision"] == sha
assert parsed["org.opencontainers.image.version"] == "1.0.0"
assert parsed["org.opencontainers.image.title"] == "happy-path"

def log = new File(basedir, "build.log").text
assert log.contains("Render deploy dep-standin1: update_in_progress")
assert log.contains("Render deploy dep-standin1 is live.")
return true

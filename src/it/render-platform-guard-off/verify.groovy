import groovy.json.JsonSlurper
import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

def calls = RenderStandIn.on(renderPort as int).calls()
RenderStandIn.stop(renderPort as int)

def repository = "it/render-platform-guard-off"
def image = "${registry}/${repository}"
def sha = ItSupport.headSha(basedir)
def digest = ItSupport.registryDigest(registry, repository, sha, registryUser, registryPassword)
assert digest != null : "tag ${sha} is not in the registry"
assert digest == ItSupport.registryDigest(registry, repository, "latest", registryUser, registryPassword)

assert calls.size() == 1 : "expected one hook call, got ${calls}"
assert calls[0].serviceId() == "srv-it0001"
assert calls[0].imgUrl() == "${image}@${digest}".toString()
assert calls[0].keyValid()

def record = new JsonSlurper().parse(new File(basedir, "target/ship/image.json"))
assert record.digest == digest
assert record.deploy.id == "dep-standin1"
assert record.deploy.status == "live"

def log = new File(basedir, "build.log").text
assert !log.contains("was built for linux/arm64")
assert log.contains("Render deploy dep-standin1 is live.")
assert log.contains("BUILD SUCCESS")

assert log.contains("[DEBUG]") : "not a debug log"
def leaks = ItSupport.secretsIn(new File(basedir, "build.log"), [registryUser], [registryPassword, renderKey, renderApiKey])
assert leaks.isEmpty() : "secrets in the -X log: ${leaks}"
return true

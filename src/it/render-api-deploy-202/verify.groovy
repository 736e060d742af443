import groovy.json.JsonSlurper
import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

def standIn = RenderStandIn.on(renderPort as int)
def calls = standIn.calls()
def requests = standIn.requests()
RenderStandIn.stop(renderPort as int)

def service = "srv-itapi0202"
def repository = "it/render-api-deploy-202"
def image = "${registry}/${repository}".toString()
def sha = ItSupport.headSha(basedir)
def digest = ItSupport.registryDigest(registry, repository, sha, registryUser, registryPassword)
assert digest != null : "tag ${sha} is not in the registry"
def deployed = "${image}@${digest}".toString()
def link = "https://dashboard.render.com/web/${service}/deploys/dep-standin1".toString()

assert calls.size() == 1 : "expected one trigger, got ${calls}"
assert calls[0].code() == 202
assert calls[0].serviceId() == service
assert calls[0].imgUrl() == deployed
assert calls[0].keyValid()
// Found among the recent deploys, then followed by id.
assert requests.any { it.method() == "GET" && it.path() == "/v1/services/${service}/deploys".toString() && it.query().contains("limit=20") }
assert requests.any { it.method() == "GET" && it.path() == "/v1/services/${service}/deploys/dep-standin1".toString() }
assert !requests.any { it.path().contains("/deploys/dep-live0") } : "followed an older deploy"

def record = new JsonSlurper().parse(new File(basedir, "target/ship/image.json"))
assert record.digest == digest
assert record.deploy.id == "dep-standin1"
assert record.deploy.status == "live"
assert record.deploy.url == link

def log = new File(basedir, "build.log").text
assert log.contains("Render deploy queued of ${deployed} (through the API): https://dashboard.render.com/web/${service}\n")
assert log.contains("Render deploy dep-standin1: created")
assert log.contains("Render deploy dep-standin1 is live.")
assert log.contains("BUILD SUCCESS")
assert new File(basedir, "summary.md").text.contains("### Render deploy [dep-standin1](${link}) live")

assert log.contains("[DEBUG]") : "not a debug log"
def leaks = ItSupport.secretsIn(new File(basedir, "build.log"), [registryUser], [registryPassword, renderKey, renderApiKey])
assert leaks.isEmpty() : "secrets in the -X log: ${leaks}"
return true

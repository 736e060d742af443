import groovy.json.JsonSlurper
import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

def standIn = RenderStandIn.on(renderPort as int)
def calls = standIn.calls()
def requests = standIn.requests()
RenderStandIn.stop(renderPort as int)

def service = "srv-itapi0001"
def repository = "it/render-api-deploy-wait"
def image = "${registry}/${repository}".toString()
def sha = ItSupport.headSha(basedir)
def digest = ItSupport.registryDigest(registry, repository, sha, registryUser, registryPassword)
assert digest != null : "tag ${sha} is not in the registry"
def deployed = "${image}@${digest}".toString()
def link = "https://dashboard.render.com/web/${service}/deploys/dep-standin1".toString()

// POST /v1/services/{id}/deploys with imageUrl=<image>@<digest> and the key: once refused by the rate
// limit, once accepted. The hook was never called.
assert calls.size() == 2 : "expected a 429 and a 201 trigger, got ${calls}"
assert calls*.code() == [429, 201]
calls.each {
  assert it.serviceId() == service
  assert it.imgUrl() == deployed
  assert it.keyValid() : "the trigger did not carry Bearer RENDER_API_KEY"
}
assert requests.every { it.path().startsWith("/v1/services/${service}/") } : "not all through the API: ${requests}"
assert requests.findAll { it.method() == "POST" }.every { it.path() == "/v1/services/${service}/deploys".toString() }

def record = new JsonSlurper().parse(new File(basedir, "target/ship/image.json"))
assert record.digest == digest
assert record.deploy.id == "dep-standin1"
assert record.deploy.status == "live"
assert record.deploy.url == link

def log = new File(basedir, "build.log").text
assert log.contains("[WARNING] Render answered 429 to Render's API (deploy of service ${service}) (rate limit: 10 deploys a minute a service); retrying in 1 s.")
assert log.contains("Render deploy dep-standin1 of ${deployed} (through the API): ${link}")
assert log.contains("Render deploy dep-standin1: update_in_progress")
assert log.contains("Render deploy dep-standin1 is live.")
assert log.contains("BUILD SUCCESS")

def summary = new File(basedir, "summary.md")
assert summary.isFile() : "GITHUB_STEP_SUMMARY was not written"
assert summary.text.contains("### Render deploy [dep-standin1](${link}) live\n\nImage: `${deployed}`")

assert log.contains("[DEBUG]") : "not a debug log"
def leaks = ItSupport.secretsIn(new File(basedir, "build.log"), [registryUser], [registryPassword, renderKey, renderApiKey])
assert leaks.isEmpty() : "secrets in the -X log: ${leaks}"
return true

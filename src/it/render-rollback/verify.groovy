import groovy.json.JsonSlurper
import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

def standIn = RenderStandIn.on(renderPort as int)
def requests = standIn.requests()
RenderStandIn.stop(renderPort as int)

def service = "srv-itrollback0"
def image = "${registry}/it/render-rollback".toString()
def dashboard = "https://dashboard.render.com/web/${service}".toString()

assert requests.every { it.path().startsWith("/v1/services/${service}/") } : "not all to <renderServiceId>'s service: ${requests}"
assert requests.every { it.keyValid() }
def rollbacks = requests.findAll { it.method() == "POST" }
assert rollbacks*.path() == ["/v1/services/${service}/rollback".toString()] * 2 : "expected two rollbacks, got ${rollbacks}"
assert rollbacks*.body() == ['{"deployId":"dep-prev0"}', '{"deployId":"dep-old0"}']
assert rollbacks.every { it.code() == 201 }

def log = new File(basedir, "build.log").text
// 1: the previous live deploy is dep-prev0: dep-failed0 never went live.
assert log.contains("Rolling Render service ${service} back to deploy dep-prev0 of ${image}@sha256:${'2' * 64}: ${dashboard}/deploys/dep-prev0")
assert log.contains("Render deploy dep-standin1: update_in_progress")
assert log.contains("Render rollback dep-standin1 is live: ${dashboard}/deploys/dep-standin1")
// 2: named.
assert log.contains("Rolling Render service ${service} back to deploy dep-old0 of ${image}@sha256:${'1' * 64}: ${dashboard}/deploys/dep-old0")
assert log.contains("Render rollback dep-standin2 is live: ${dashboard}/deploys/dep-standin2")
// 3: refused in one line naming the service and its dashboard.
assert log.contains("Render deploy dep-failed0 of service ${service} is update_failed: it never went live, and Render rolls back only to a deploy that did; name one marked deactivated at ${dashboard} with ship.render.deployId. -> [Help 1]")
assert log.count("BUILD SUCCESS") == 2
assert log.count("BUILD FAILURE") == 1

def record = new JsonSlurper().parse(new File(basedir, "target/ship/image.json"))
assert record.image == image
assert record.deploy.id == "dep-standin2"
assert record.deploy.status == "live"
assert record.deploy.url == "${dashboard}/deploys/dep-standin2".toString()

def summary = new File(basedir, "summary.md").text
assert summary == "### Render rollback [dep-standin1](${dashboard}/deploys/dep-standin1) live\n" +
    "### Render rollback [dep-standin2](${dashboard}/deploys/dep-standin2) live\n"

assert log.contains("[DEBUG]") : "not a debug log"
def leaks = ItSupport.secretsIn(new File(basedir, "build.log"), [registryUser], [registryPassword, renderKey, renderApiKey])
assert leaks.isEmpty() : "secrets in the -X log: ${leaks}"
return true

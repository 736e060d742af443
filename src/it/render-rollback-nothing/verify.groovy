import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

def standIn = RenderStandIn.on(renderPort as int)
def requests = standIn.requests()
RenderStandIn.stop(renderPort as int)

def service = "srv-itnohistory0"
def dashboard = "https://dashboard.render.com/web/${service}".toString()

assert !requests.any { it.method() == "POST" } : "a rollback was started: ${requests}"
assert requests.every { it.path().startsWith("/v1/services/${service}/") }
assert requests.count { !it.keyValid() } >= 1 : "invocation 3 did not send the wrong key"

def log = new File(basedir, "build.log").text
assert log.count("BUILD FAILURE") == 3
assert log.contains("Nothing to roll back to: Render service ${service} has no live deploy among its last 20 (see ${dashboard}); name one with ship.render.deployId. -> [Help 1]")
assert log.contains("Render knows no deploy dep-nosuch0 of service ${service} (404): check ship.render.deployId and <renderServiceId> (ship.render.serviceId) against ${dashboard}. -> [Help 1]")
assert log.contains("Render's API refused RENDER_API_KEY (401) for service ${service}: set RENDER_API_KEY (or the settings.xml server named by <renderApiKeyServerId>, ship.render.apiKeyServerId) to an API key of the workspace that owns the service (Account Settings > API Keys). -> [Help 1]")
assert !new File(basedir, "target/ship/image.json").exists() : "a refused rollback recorded something"

assert log.contains("[DEBUG]") : "not a debug log"
def leaks = ItSupport.secretsIn(new File(basedir, "build.log"), [registryUser],
    [registryPassword, renderKey, renderApiKey, "rnd_WrongKeyCanary-7a31d9"])
assert leaks.isEmpty() : "secrets in the -X log: ${leaks}"
return true

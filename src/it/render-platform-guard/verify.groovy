import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

def requests = RenderStandIn.on(renderPort as int).requests()
RenderStandIn.stop(renderPort as int)

def repository = "it/render-platform-guard"
def image = "${registry}/${repository}"
def sha = ItSupport.headSha(basedir)
def log = new File(basedir, "build.log").text

assert log.contains("Skipping ship:build (ship.build.skip).")
assert log.contains(":push (default) on project render-platform-guard: Image ${image}:${sha} was built for linux/arm64, but Render runs only linux/amd64: set <platform>linux/amd64</platform> (ship.platform), which BuildKit cross-builds where the engine can, or <renderPlatformCheck>false</renderPlatformCheck> (ship.render.platformCheck) for a Render-compatible stand-in. -> [Help 1]")
assert !log.contains("Pushed ${image}") : "a tag was pushed"
assert ItSupport.registryDigest(registry, repository, sha, registryUser, registryPassword) == null : "the tag reached the registry"
assert ItSupport.registryDigest(registry, repository, "latest", registryUser, registryPassword) == null : "latest reached the registry"
assert requests.isEmpty() : "Render was called: ${requests}"

assert log.contains("[DEBUG]") : "not a debug log"
def leaks = ItSupport.secretsIn(new File(basedir, "build.log"), [registryUser], [registryPassword, renderKey, renderApiKey])
assert leaks.isEmpty() : "secrets in the -X log: ${leaks}"
return true

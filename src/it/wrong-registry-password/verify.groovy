import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

def calls = RenderStandIn.on(renderPort as int).calls()
RenderStandIn.stop(renderPort as int)

def log = new File(basedir, "build.log").text
assert log.contains("Registry ${registry} refused the push") : "the failure does not name the registry"
assert log.contains("env SHIP_REGISTRY_USERNAME/SHIP_REGISTRY_PASSWORD") : "the failure does not name the credential source"
assert log.contains("BUILD FAILURE")
assert calls.isEmpty() : "a deploy was triggered after a failed push: ${calls}"
assert ItSupport.registryDigest(registry, "it/wrong-registry-password", "latest", registryUser, registryPassword) == null
assert !log.contains("not-the-password")
return true

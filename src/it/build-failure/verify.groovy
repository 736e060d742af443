import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

def calls = RenderStandIn.on(renderPort as int).calls()
RenderStandIn.stop(renderPort as int)
def log = new File(basedir, "build.log").text
assert log.contains("about to fail") : "the build output was not streamed"
assert log.contains("docker build failed: The command '/bin/sh -c echo about to fail && false' returned a non-zero code: 1")
assert !log.contains("ship:0.1.0-SNAPSHOT:push")
assert calls.isEmpty()
assert ItSupport.registryDigest(registry, "it/build-failure", "latest", registryUser, registryPassword) == null
return true

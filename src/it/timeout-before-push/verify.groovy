import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

def calls = RenderStandIn.on(renderPort as int).calls()
RenderStandIn.stop(renderPort as int)

def log = new File(basedir, "build.log").text
// ship:build (package) checks the deploy's settings too: nothing is built, pushed or deployed.
assert log.contains("[ERROR] Failed to execute goal io.github.shipmaven:ship-maven-plugin:0.1.0-SNAPSHOT:build")
assert log.contains("<timeout> (ship.render.timeout) '10 minutes' is not an ISO-8601 duration: write it like PT2M or PT30S.")
assert !log.contains("Builder: ") : "the image was built despite a bad timeout"
assert !log.contains("ship:0.1.0-SNAPSHOT:push") : "push ran despite a bad timeout"
assert calls.isEmpty()
assert ItSupport.registryDigest(registry, "it/timeout-before-push", "latest", registryUser, registryPassword) == null
return true

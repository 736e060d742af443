import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

def calls = RenderStandIn.on(renderPort as int).calls()
RenderStandIn.stop(renderPort as int)
def log = new File(basedir, "build.log").text
def step = "[2/2] RUN echo about to fail && echo the last words && false"
assert log.count("Builder: BuildKit") == 2

// 1: no bridge network; the message says which POM element fixes it.
assert log.contains("docker build failed in step ${step}: network bridge not found (BuildKit runs RUN steps"
    + " on the daemon's default bridge network, which this daemon does not have, e.g. dockerd --bridge=none;"
    + " <network> is default): set <network> (ship.network) to host, or to none if the steps need no network.")

// 2: the output streamed as BuildKit's plain progress, then one failure: the step, the exit code,
// its last output lines.
assert log =~ /(?m)^\[INFO\] #\d+ about to fail$/ : "the build output was not streamed"
assert log.contains("docker build failed in step ${step}: exit code: 1. Its last output lines:\n"
    + "  about to fail\n"
    + "  the last words")
assert !log.contains("ship:0.1.0-SNAPSHOT:push")
assert calls.isEmpty()
assert ItSupport.registryDigest(registry, "it/build-failure", "latest", registryUser, registryPassword) == null
return true

import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

def calls = RenderStandIn.on(renderPort as int).calls()
RenderStandIn.stop(renderPort as int)

def log = new File(basedir, "build.log").text
// The first ship goal (build, in package) validates the whole plan: nothing is built, pushed or deployed.
assert log.contains("The deploy hook from env RENDER_DEPLOY_HOOK_URL (http://api.render.com) is not https")
assert !log.contains("Builder: ") : "the image was built despite a bad hook"
assert !log.contains("ship:0.1.0-SNAPSHOT:push") : "push ran despite a bad hook"
assert calls.isEmpty()
assert ItSupport.registryDigest(registry, "it/bad-hook-before-push", "latest", registryUser, registryPassword) == null
assert !log.contains("PlainHttpKey77") : "the hook key is in the log"
return true

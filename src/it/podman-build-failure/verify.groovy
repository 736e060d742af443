import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

def calls = RenderStandIn.on(renderPort as int).calls()
RenderStandIn.stop(renderPort as int)
def lines = new File(basedir, "build.log").readLines()
assert lines.contains("[INFO] about to fail") : "the build output was not streamed"
// Podman's buildah words it, naming the step: not a network failure (RUN steps get the host network).
def message = 'docker build failed: building at STEP "RUN echo about to fail && false": while running runtime: exit status 1'
def errors = lines.findAll { it.startsWith("[ERROR] ") && it.contains("building at STEP") }
assert errors.size() == 1 : "expected one failure line, got ${errors}"
assert errors[0].endsWith("${message} -> [Help 1]") : "the failure reads: ${errors[0]}"
// One line: the exception's message (printed by -e) is followed by its stack, not a stray newline.
def cause = lines.findIndexOf { it.startsWith("Caused by: ") && it.endsWith(message) }
assert cause >= 0 && lines[cause + 1].startsWith("    at ") : "the message is not one line: ${lines[cause + 1]}"
assert !lines.any { it.contains(":push (default) @") } : "the push goal ran"
assert calls.isEmpty()
def sha = ItSupport.headSha(basedir)
[sha, "latest"].each { tag ->
  assert ItSupport.registryDigest(registry, "it/podman-build-failure", tag, registryUser, registryPassword) == null
}
return true

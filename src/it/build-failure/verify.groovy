import io.github.shipmaven.it.ItEngine
import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

def on = ItEngine.of(engine, engineHost)
def calls = RenderStandIn.on(renderPort as int).calls()
RenderStandIn.stop(renderPort as int)
def log = new File(basedir, "build.log").text
def lines = log.readLines()

if (on.buildKit()) {
  def step = "[2/2] RUN echo about to fail && echo the last words && false"
  assert log.count("Builder: BuildKit") == 2 : "on ${on}"

  // 1: no bridge network; the message says which POM element fixes it.
  def bridge = lines.find { it.contains("docker build failed in step ${step}: ") && it.contains("network bridge not found") }
  assert bridge != null : "on ${on}: no failure naming the step and the missing bridge: ${lines.findAll { it.startsWith('[ERROR]') }}"
  assert bridge.contains("network bridge not found (BuildKit runs RUN steps"
      + " on the daemon's default bridge network, which this daemon does not have, e.g. dockerd --bridge=none;"
      + " <network> is default): set <network> (ship.network) to host, or to none if the steps need no network.")

  // 2: the output streamed as BuildKit's plain progress, then one failure: the step, the exit code,
  // its last output lines.
  assert log =~ /(?m)^\[INFO\] #\d+ \d+\.\d+ about to fail$|(?m)^\[INFO\] #\d+ about to fail$/ : "on ${on}: the build output was not streamed"
  assert log.contains("docker build failed in step ${step}: exit code: 1. Its last output lines:\n"
      + "  about to fail\n"
      + "  the last words") : "on ${on}: ${lines.findAll { it.contains('docker build failed') }}"
} else {
  // Podman's buildah words it, naming the step, both times: not a network failure (RUN steps get
  // the host's network namespace, or none).
  assert lines.count("[INFO] about to fail") == 2 : "on ${on}: the build output was not streamed"
  def message = 'docker build failed: building at STEP "RUN echo about to fail && echo the last words && false": while running runtime: exit status 1'
  def errors = lines.findAll { it.startsWith("[ERROR] ") && it.contains("building at STEP") }
  assert errors.size() == 2 : "on ${on}: expected one failure line a build, got ${errors}"
  errors.each { assert it.endsWith("${message} -> [Help 1]") : "on ${on}: the failure reads: ${it}" }
  // One line: the exception's message (printed by -e) is followed by its stack, not a stray newline.
  def cause = lines.findIndexOf { it.startsWith("Caused by: ") && it.endsWith(message) }
  assert cause >= 0 && lines[cause + 1].startsWith("    at ") : "on ${on}: the message is not one line: ${lines[cause + 1]}"
}
assert !lines.any { it.contains(":push (default) @") } : "on ${on}: the push goal ran"
assert calls.isEmpty()
def sha = ItSupport.headSha(basedir)
[sha, "latest"].each { tag ->
  assert ItSupport.registryDigest(registry, "it/build-failure", tag, registryUser, registryPassword) == null : "on ${on}: ${tag} was pushed"
}
return true

import io.github.shipmaven.it.ItEngine
import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn
import io.github.shipmaven.it.StallingRegistry
import java.time.Duration

def stalling = StallingRegistry.on(stallPort as int)
def sinceStall = stalling.sinceStall()
def requests = stalling.requests()
def stalled = stalling.stalled()
// Whether the engine closed the stalled upload's connection (seen at the registry, which holds it).
def closed = stalled && stalling.stalledUploadClosedByClient(Duration.ofSeconds(3))
def uploads = stalling.uploadsStarted()
def manifests = stalling.manifestDigests()
StallingRegistry.stop(stallPort as int)
def calls = RenderStandIn.on(renderPort as int).calls()
RenderStandIn.stop(renderPort as int)

assert stalled : "the registry stalled no upload: ${requests}"
// One stall timeout (5 s) plus seconds, on every engine: never a second stall.
assert sinceStall.seconds < 25 : "the build ended ${sinceStall.seconds} s after the stall"

def sha = ItSupport.headSha(basedir)
def reference = "127.0.0.1:${stallPort}/it/stall:${sha}"
def logFile = new File(basedir, "build.log")
def lines = logFile.readLines()
def stallLine = ~/no progress for [0-9.]+ s while pushing (layer [0-9a-f]{12} \(.*\) )?to registry 127\.0\.0\.1:${stallPort}/
def retries = lines.findAll { it.startsWith("[WARNING] Push of ${reference} failed (") && it =~ stallLine }
def failure = lines.find { it.startsWith("[ERROR] ") && it.contains("Push of ${reference} failed") }
// What each engine does (README "Pushing, on every engine"): Docker's graphdriver store keeps the
// stalled upload and a retry would join it; Docker's containerd store and Podman start a new one.
def onEngine = ItEngine.of(engine, engineHost)
def retryJoins = !onEngine.podman() && !onEngine.containerdStore()
if (!retryJoins) {
  // The retry started a new upload, which the registry took, and Render deployed what was pushed.
  assert failure == null : "on ${engine} the push failed although a retry starts a new upload: ${failure}"
  assert retries.size() == 1 : "expected one retry warning on ${engine}, got ${retries}"
  assert retries[0].contains("retrying in 1 s (1 of 1 retries)")
  assert uploads >= 2 : "the retry started no new upload: ${requests}"
  def digest = manifests["/v2/it/stall:${sha}"]
  assert digest != null : "the tag was not pushed: ${manifests.keySet()}"
  assert lines.any { it == "[INFO] Pushed ${reference} (${digest})" }
  assert calls.size() == 1 && calls[0].imgUrl() == "127.0.0.1:${stallPort}/it/stall@${digest}" : "${calls}"
  println "push-stalled-registry on ${engine}: retried into a new upload; the stalled connection was ${closed ? 'closed' : 'still open'} after the build"
} else {
  // The engine kept its upload (the registry still holds its connection): a retry would only have
  // joined it, so the push failed at once naming the registry, the layer and <pushStallTimeout>.
  assert !closed : "on ${engine} the engine closed its stalled upload: a retry would have started a new one"
  assert retries.isEmpty() : "a stall was retried into the upload the engine kept: ${retries}"
  assert failure != null : "no failure: ${lines.findAll { it.startsWith('[ERROR]') }}"
  assert failure =~ stallLine : failure
  assert failure.contains("Push of ${reference} failed: no progress for 5 s while pushing layer ") : failure
  assert failure.contains("; not retried: ") && failure.contains("<pushStallTimeout> (ship.push.stallTimeout)") : failure
  assert calls.isEmpty() : "a failed push was deployed: ${calls}"
  println "push-stalled-registry on ${engine}: not retried; the engine kept its stalled upload"
}
def leaks = ItSupport.secretsIn(logFile, [registryUser], [registryPassword, renderKey, renderApiKey])
assert leaks.isEmpty() : "secrets in the log: ${leaks}"
return true

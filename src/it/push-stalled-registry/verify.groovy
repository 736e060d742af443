import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn
import io.github.shipmaven.it.StallingRegistry

def stalling = StallingRegistry.on(stallPort as int)
def elapsed = stalling.elapsed()
def requests = stalling.requests()
def stalled = stalling.stalledUploads()
StallingRegistry.stop(stallPort as int)
def calls = RenderStandIn.on(renderPort as int).calls()
RenderStandIn.stop(renderPort as int)

// Two attempts (the first and one retry) of 5 s silence each, plus the build: well under 90 s.
assert elapsed.seconds < 90 : "the build took ${elapsed.seconds} s"
assert stalled >= 2 : "the registry did not stall an upload of each attempt: ${requests}"

def sha = ItSupport.headSha(basedir)
def reference = "127.0.0.1:${stallPort}/it/stall:${sha}"
def logFile = new File(basedir, "build.log")
def lines = logFile.readLines()
def retries = lines.findAll { it.startsWith("[WARNING] Push of ${reference} failed (no progress for 5 s while pushing layer ") }
assert retries.size() == 1 : "expected one retry warning, got ${retries}"
assert retries[0].contains("retrying in 1 s (1 of 1 retries)")
def failure = lines.find { it.startsWith("[ERROR] ") && it.contains("Push of ${reference} failed after 2 attempts: no progress for 5 s while pushing layer ") }
assert failure != null : "no failure naming the tag, the layer and the wait: ${lines.findAll { it.startsWith('[ERROR]') }}"
assert failure =~ /pushing layer [0-9a-f]{12} \(/ : "the layer is not named: ${failure}"
assert calls.isEmpty() : "a failed push was deployed: ${calls}"
def leaks = ItSupport.secretsIn(logFile, [registryUser], [registryPassword, renderKey, renderApiKey])
assert leaks.isEmpty() : "secrets in the log: ${leaks}"
return true

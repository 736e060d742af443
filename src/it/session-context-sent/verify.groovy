import io.github.shipmaven.it.ItSupport

def log = new File(basedir, "build.log").text
def connections = new File(basedir, "daemon-proxy.log").readLines().collect {
  def parts = it.split(" ", 2)
  [bytes: parts[0] as long, line: parts[1]]
}
def sessions = connections.findAll { it.line.startsWith("POST /session") }
def builds = connections.findAll { it.line.startsWith("POST /build") }
assert sessions.size() == 4 && builds.size() == 4 : connections
assert sessions[3].bytes > 50_000_000 && sessions[3].bytes < 60_000_000 : "the fourth session was not cut 50 MB in: ${sessions[3].bytes}"
// What the plugin sent up the daemon socket for each build: the build request and its session.
def sent = (0..3).collect { sessions[it].bytes + builds[it].bytes }
println "session-context-sent: bytes sent at the daemon socket per build: COPY src/ ${sent[0]}, COPY . ${sent[1]}, COPY . after a one-line change ${sent[2]}"
assert sent[0] < 1_000_000 : "COPY src/ beside 200 MB sent ${sent[0]} bytes"
assert sent[1] > 200_000_000 : "COPY . sent only ${sent[1]} bytes"
assert sent[2] < 1_000_000 : "COPY . after a one-line change sent ${sent[2]} bytes"
assert log.count("BUILD SUCCESS") == 3
assert log.contains("Build context: 200.0 MB sent")
// The session cut mid-transfer: one line saying so, and the build ended (the invoker's own
// timeout would fail a hang).
def failure = log.readLines().find { it.contains("docker build failed") }
assert failure != null : "no failure line"
assert failure.contains("BuildKit session") || failure.contains("transport is closing") : failure
println "session-context-sent: a session cut mid-build: ${failure}"

// Leave no 200 MB image behind.
def ids = log.readLines().findAll { it.contains("Built sha256:") }.collect { (it =~ /Built (sha256:[0-9a-f]+)/)[0][1] }
ids.unique().each { ItSupport.run(basedir, "docker", "rmi", "-f", it) }
new File(basedir, "data.bin").delete()
// ... nor its build cache: the session's cached contexts (source.local) and the 210 MB layers each
// COPY . made (one per build: data.bin's time is new each run). Only the records these builds made
// go (by ID), so other projects' caches on the shared daemon stay.
def before = new File(basedir, "build-cache-before.log").readLines().findAll { it } as Set
def made = ItSupport.buildCacheBytesSince(before)
def reclaimed = ItSupport.pruneBuildCacheSince(before)
def left = ItSupport.buildCacheBytesSince(before)
println "session-context-sent: build cache made by these builds ${made} bytes, removed ${reclaimed}, left ${left}"
assert made > 200_000_000 : "the builds left only ${made} bytes of build cache: did COPY . run?"
assert left < 1_000_000 : "the builds' build cache was not removed: ${left} bytes left"
return true

import groovy.json.JsonSlurper
import io.github.shipmaven.it.ItEngine
import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

def on = ItEngine.of(engine, engineHost)
def calls = RenderStandIn.on(renderPort as int).calls()
RenderStandIn.stop(renderPort as int)

def sha = ItSupport.headSha(basedir)
def repository = "it/happy-path"
def image = "${registry}/${repository}"
def shaDigest = ItSupport.registryDigest(registry, repository, sha, registryUser, registryPassword)
def latestDigest = ItSupport.registryDigest(registry, repository, "latest", registryUser, registryPassword)
assert shaDigest != null : "tag ${sha} is not in the registry"
assert shaDigest == latestDigest : "tags differ: ${shaDigest} vs ${latestDigest}"

def record = new JsonSlurper().parse(new File(basedir, "target/ship/image.json"))
assert record.image == image
assert record.tags == [sha, "latest"]
assert record.digest == shaDigest : "on ${on}: image.json has ${record.digest}, the registry serves ${shaDigest}"
assert record.git.sha == sha
assert record.git.shortSha == sha.substring(0, 7)
assert record.git.branch == "main"
assert record.git.dirty == false
assert record.imageId.startsWith("sha256:")
assert record.deploy.id == "dep-standin1"
assert record.deploy.status == "live"

assert calls.size() == 1 : "expected one hook call, got ${calls}"
assert calls[0].keyValid()
assert calls[0].serviceId() == "srv-it0001"
assert calls[0].imgUrl() == "${image}@${shaDigest}"

// The image is the engine's own: ask that engine for its labels.
def labels = new JsonSlurper().parseText(on.docker(basedir, "image", "inspect", "--format", "{{json .Config.Labels}}", "${image}:${sha}"))
assert labels["org.opencontainers.image.revision"] == sha
assert labels["org.opencontainers.image.version"] == "1.0.0"
assert labels["org.opencontainers.image.title"] == "happy-path"

def logFile = new File(basedir, "build.log")
def lines = logFile.readLines()
assert lines.any { it.startsWith("[DEBUG]") } : "not a debug log"
assert lines.contains("[INFO] Render deploy dep-standin1: update_in_progress")
assert lines.contains("[INFO] Render deploy dep-standin1 is live.")

// ship:info names the engine it ran on, with its version (printed here too, into the invoker's
// output: the record of which versions this run of the matrix got).
def engineLine = lines.find { it.startsWith("[INFO] Engine:     ") }
assert engineLine != null && engineLine.startsWith("[INFO] Engine:     ${on.product()} ") : "on ${on}: ship:info says ${engineLine}"
assert engineLine.contains(" at ") && engineLine.contains(on.host().replaceFirst("^unix://", "")) : "on ${on}: ${engineLine}"
println "happy-path on ${on.id()}: ${engineLine.substring('[INFO] Engine:     '.length())}"
if (on.podman()) {
  assert lines.any { it.startsWith("[INFO] Builder:    classic (Podman builds with its own builder)") } : lines.findAll { it.contains("Builder:") }
  // Podman serves no /distribution: the stream's digest stands, said at debug level only.
  [sha, "latest"].each { tag ->
    def notes = lines.findAll { it.contains("${image}:${tag}: not confirmed with the registry (Podman does not serve /distribution)") }
    assert notes.size() == 1 : "expected one note for ${tag}, got ${notes}"
    assert notes[0].startsWith("[DEBUG] ") : "the note is not debug-only: ${notes[0]}"
    assert notes[0].contains(shaDigest)
  }
} else {
  assert lines.any { it.startsWith("[INFO] Builder:    BuildKit") } : lines.findAll { it.contains("Builder:") }
  assert !lines.any { it.contains("not confirmed with the registry") }
}

def leaks = ItSupport.secretsIn(logFile, [registryUser], [registryPassword, renderKey, renderApiKey])
assert leaks.isEmpty() : "secrets in the -X log: ${leaks}"
return true

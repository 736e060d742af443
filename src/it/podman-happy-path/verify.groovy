import groovy.json.JsonSlurper
import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

def calls = RenderStandIn.on(renderPort as int).calls()
RenderStandIn.stop(renderPort as int)

def sha = ItSupport.headSha(basedir)
def repository = "it/podman-happy-path"
def image = "${registry}/${repository}"
def shaDigest = ItSupport.registryDigest(registry, repository, sha, registryUser, registryPassword)
def latestDigest = ItSupport.registryDigest(registry, repository, "latest", registryUser, registryPassword)
assert shaDigest != null : "tag ${sha} is not in the registry"
assert shaDigest == latestDigest : "tags differ: ${shaDigest} vs ${latestDigest}"

def record = new JsonSlurper().parse(new File(basedir, "target/ship/image.json"))
assert record.image == image
assert record.tags == [sha, "latest"]
assert record.digest == shaDigest : "image.json has ${record.digest}, the registry serves ${shaDigest}"
assert record.git.sha == sha
assert record.imageId.startsWith("sha256:")
assert record.deploy.id == "dep-standin1"
assert record.deploy.status == "live"

assert calls.size() == 1 : "expected one hook call, got ${calls}"
assert calls[0].keyValid()
assert calls[0].serviceId() == "srv-it0001"
assert calls[0].imgUrl() == "${image}@${shaDigest}"

// The image is Podman's, not Docker's: ask Podman for its labels.
def socket = podmanSocket.replaceFirst("^unix://", "")
def inspected = ItSupport.run(basedir, "curl", "-sS", "--fail", "--unix-socket", socket, "http://d/images/${image}:${sha}/json")
def labels = new JsonSlurper().parseText(inspected).Config.Labels
assert labels["org.opencontainers.image.revision"] == sha
assert labels["org.opencontainers.image.title"] == "podman-happy-path"

def logFile = new File(basedir, "build.log")
def lines = logFile.readLines()
assert lines.any { it.startsWith("[DEBUG]") } : "not a debug log"
// A RUN step with no <network>: fails unless Podman runs it in a network of its own choosing.
assert lines.any { it.contains("RUN echo built > /www/built.txt") } : "the RUN step is not in the log"
assert lines.contains("[INFO] Render deploy dep-standin1 is live.".toString())
[sha, "latest"].each { tag ->
  def notes = lines.findAll { it.contains("${image}:${tag}: not confirmed with the registry (Podman does not serve /distribution)") }
  assert notes.size() == 1 : "expected one note for ${tag}, got ${notes}"
  assert notes[0].startsWith("[DEBUG] ") : "the note is not debug-only: ${notes[0]}"
  assert notes[0].contains(shaDigest)
}
assert lines.any { it.startsWith("[INFO] Engine:     Podman 4.3.1 ") && it.contains(" at ${podmanSocket}") } :
    "ship:info did not name Podman: ${lines.findAll { it.contains('Engine:') }}"
assert lines.contains("[INFO] Builder:    classic (Podman builds with its own builder)")

def leaks = ItSupport.secretsIn(logFile, [registryUser], [registryPassword, renderKey, renderApiKey])
assert leaks.isEmpty() : "secrets in the -X log: ${leaks}"
return true

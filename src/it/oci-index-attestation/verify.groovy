import groovy.json.JsonSlurper
import io.github.shipmaven.it.ItEngine
import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

def on = ItEngine.of(engine, engineHost)
def calls = RenderStandIn.on(renderPort as int).calls()
RenderStandIn.stop(renderPort as int)

// The index buildx made (attested-image.oci.tar): image manifest + attestation manifest.
def index = "sha256:651e7b3f48c683da243cea756eb65efccb37a76cdb9901a105cfcdaf67d92317"
def sha = ItSupport.headSha(basedir)
def repository = "it/oci-index-attestation"
def image = "${registry}/${repository}"

// What the registry serves for both tags is the index itself, with both manifests.
[sha, "latest"].each { tag ->
  def served = ItSupport.registryManifest(registry, repository, tag, registryUser, registryPassword)
  assert served.digest == index : "on ${on}: ${tag} is ${served.digest} at the registry, not the index"
  assert served.mediaType == "application/vnd.oci.image.index.v1+json"
  def platforms = new JsonSlurper().parseText(served.body).manifests.collect { "${it.platform.os}/${it.platform.architecture}" }
  assert platforms == ["linux/amd64", "unknown/unknown"] : platforms
}

def record = new JsonSlurper().parse(new File(basedir, "target/ship/image.json"))
assert record.digest == index : "image.json has ${record.digest}"
assert record.deploy.status == "live"
assert calls.size() == 1 : "expected one hook call, got ${calls}"
assert calls[0].imgUrl() == "${image}@${index}" : "Render was not given the index digest: ${calls[0].imgUrl()}"

def logFile = new File(basedir, "build.log")
def lines = logFile.readLines()
assert lines.contains("[INFO] Pushed ${image}:${sha} (${index})".toString()) : lines.findAll { it.contains("Pushed") }
// The platform guard and ship:info read the image's platform, not the attestation's.
assert lines.any { it.startsWith("[INFO] Platform:   linux/amd64 (${image}:${sha})") } : lines.findAll { it.contains("Platform:") }
assert !lines.any { it.contains("unknown/unknown") && !it.startsWith("[DEBUG]") } : lines.findAll { it.contains("unknown/unknown") }
assert lines.contains("[INFO] Render deploy dep-standin1 is live.")

def leaks = ItSupport.secretsIn(logFile, [registryUser], [registryPassword, renderKey, renderApiKey])
assert leaks.isEmpty() : "secrets in the -X log: ${leaks}"
return true

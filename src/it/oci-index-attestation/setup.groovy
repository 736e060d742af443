import io.github.shipmaven.it.ItEngine
import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

def on = ItEngine.of(engine, engineHost)
assert on.containerdStore() : "an OCI index with an attestation needs the containerd image store, not ${on}"
ItSupport.gitInit(basedir)
def image = "${registry}/it/oci-index-attestation"
def sha = ItSupport.headSha(basedir)
// Built by buildx 0.29.1 on Docker 28.5.2's containerd store (FROM scratch, one file, provenance
// mode=min) and saved with docker save: an OCI layout whose index holds the linux/amd64 image
// manifest and its attestation manifest (see daemon-streams/docker-28.5-containerd/README.md).
def archive = new File(basedir, "attested-image.oci.tar")
archive.bytes = ItEngine.getResourceAsStream("/daemon-streams/docker-28.5-containerd/attested-image.oci.tar").bytes
on.docker(basedir, "load", "-q", "-i", archive.path)
archive.delete()
[sha, "latest"].each { on.docker(basedir, "tag", "127.0.0.1:5000/eng/attested:1", "${image}:${it}") }
RenderStandIn.start(renderPort as int, renderKey, renderApiKey, ["created", "update_in_progress", "live"])
return true

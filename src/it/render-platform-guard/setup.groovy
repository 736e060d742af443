import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

ItSupport.gitInit(basedir)
def image = "${registry}/it/render-platform-guard"
def sha = ItSupport.headSha(basedir)
// What an arm64 laptop's build leaves, under the tags this build would give it.
def platform = ItSupport.loadImage("linux/arm64", ["${image}:${sha}".toString(), "${image}:latest".toString()])
assert platform == "linux/arm64" : "the daemon reports ${platform}"
RenderStandIn.start(renderPort as int, renderKey, renderApiKey, ["created", "update_in_progress", "live"])
return true

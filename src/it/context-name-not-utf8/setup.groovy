import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

// docs/bad\377name: a name Java cannot spell, so the shell makes it; tracked in git like the rest.
def docs = new File(basedir, "docs")
docs.mkdirs()
new File(docs, "ok.txt").text = "fine\n"
ItSupport.run(docs, "sh", "-c", "printf x > \"\$(printf 'bad\\377name')\"")
ItSupport.gitInit(basedir)
// The build cache records there before: verify removes the ones this build makes (*.log: not
// part of the context's COPY, and git ignores build.log only).
new File(basedir, "build-cache-before.log").text = ItSupport.buildCacheIds(engineHost).join("\n")
RenderStandIn.start(renderPort as int, renderKey, renderApiKey, ["created", "live"])
return true

import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn
import java.nio.file.Files

// Tracked files whose names are not ASCII (and one that is not UTF-8), in the git repository and
// in the build context (COPY docs): git facts and the context under the C locale.
def docs = new File(basedir, "docs")
docs.mkdirs()
Files.writeString(docs.toPath().resolve("caf\u00e9.txt"), "caf\u00e9\n")
Files.writeString(docs.toPath().resolve("na\u00efve r\u00e9sum\u00e9.md"), "r\u00e9sum\u00e9\n")
ItSupport.run(docs, "sh", "-c", "printf x > \"\$(printf 'bad\\377name')\"")
ItSupport.gitInit(basedir)
assert ItSupport.run(basedir, "git", "ls-files", "docs").trim().split("\n").length == 3
RenderStandIn.start(renderPort as int, renderKey, renderApiKey, ["created", "live"])
return true

import io.github.shipmaven.it.DaemonProxy
import io.github.shipmaven.it.ItSupport
import java.nio.file.Files
import java.nio.file.Paths

new File(basedir, "dockerignore.txt").renameTo(new File(basedir, ".dockerignore"))
ItSupport.gitInit(basedir)
// The build cache records there before: verify removes the ones these builds make (*.log: not
// in the context).
new File(basedir, "build-cache-before.log").text = ItSupport.buildCacheIds().join("\n")
// 200 MB beside src/, untracked (git need not hold it): what a build must not send for COPY src/.
def data = new File(basedir, "data.bin")
data.withOutputStream { out ->
  def chunk = new byte[1024 * 1024]
  new Random(20).nextBytes(chunk)
  200.times { out.write(chunk) }
}
def log = new File(basedir, "daemon-proxy.log")
log.delete()
DaemonProxy.start(Paths.get(basedir.path, "daemon-proxy.sock"), Paths.get("/var/run/docker.sock"), log.toPath())
    // Between build 2 and 3, a one-line change (as the third session is asked for: the build has
    // not read the context yet).
    .beforeSession(3, { new File(basedir, "src/main/java/Main.java").append("// one more line\n") })
    // Before build 4, data.bin changes (same size, new time): BuildKit asks for all of it ...
    .beforeSession(4, { data.setLastModified(System.currentTimeMillis() - 60_000) })
    // ... and its session is cut while it comes, 50 MB in.
    .killSessionsAfterBytes(4, 50_000_000L)
return true

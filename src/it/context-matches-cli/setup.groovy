import io.github.shipmaven.it.ItSupport
import java.nio.file.Files
import java.nio.file.Paths

def write = { String path, String text ->
  def file = new File(basedir, path)
  file.parentFile.mkdirs()
  file.text = text
}
new File(basedir, "dockerignore.txt").renameTo(new File(basedir, ".dockerignore"))
["README.md", "README-secret.md", "CHANGES.md", "app.log", "keep/important.log", "keep/other.log",
 "node_modules/kept.js", "node_modules/dep/index.js", "secret/a/b.txt", "src/Main.java",
 "# not a comment", "# a comment: not a pattern"].each { write(it, it + "\n") }
def longDir = (1..6).collect { "directory-with-a-long-name-" + it }.join("/")
write(longDir + "/file-with-a-long-name-as-well.txt", "deep\n")
write("bin/run.sh", "#!/bin/sh\necho run\n")
new File(basedir, "bin/run.sh").setExecutable(true, false)
new File(basedir, "empty").mkdirs()
new File(basedir, "empty/.keep").text = ""   // git keeps no empty directories; this one stays empty below
Files.createSymbolicLink(Paths.get(basedir.path, "link"), Paths.get("src/Main.java"))
ItSupport.gitInit(basedir)
new File(basedir, "empty/.keep").delete()
new File(basedir, "empty/nested").mkdirs()
return true

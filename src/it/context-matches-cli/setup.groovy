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
// What the CLI keeps and a naive sender loses (issue 18, item 5): setuid, setgid and sticky bits,
// times before 1970 and past the tar header's reach, hard links, a name that is not ASCII.
def chmod = { String path, int mode -> Files.setAttribute(Paths.get(basedir.path, path), "unix:mode", mode) }
write("modes/setuid.sh", "#!/bin/sh\n")
chmod("modes/setuid.sh", 04755)
new File(basedir, "modes/setgid").mkdirs()
chmod("modes/setgid", 02775)
new File(basedir, "modes/shared").mkdirs()
chmod("modes/shared", 01777)
write("times/old.txt", "from 1960\n")
Files.setLastModifiedTime(Paths.get(basedir.path, "times/old.txt"),
    java.nio.file.attribute.FileTime.from(java.time.Instant.parse("1960-06-01T00:00:00Z")))
write("times/far.txt", "from 2250\n")
Files.setLastModifiedTime(Paths.get(basedir.path, "times/far.txt"),
    java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2250-06-01T00:00:00Z")))
write("links/first.txt", "one inode, two names\n")
Files.createLink(Paths.get(basedir.path, "links/second.txt"), Paths.get(basedir.path, "links/first.txt"))
write("caf\u00e9.txt", "not ASCII\n")
return true

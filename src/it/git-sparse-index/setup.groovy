import io.github.shipmaven.it.ItSupport
import java.nio.file.Files

// A sparse checkout with a sparse index: docs/ is one sparse-directory entry, which JGit
// cannot read; then a change inside the cone.
Files.createDirectories(basedir.toPath().resolve("src"))
Files.createDirectories(basedir.toPath().resolve("docs/deep"))
Files.writeString(basedir.toPath().resolve("src/app.txt"), "app\n")
Files.writeString(basedir.toPath().resolve("docs/guide.md"), "guide\n")
Files.writeString(basedir.toPath().resolve("docs/deep/more.md"), "more\n")
ItSupport.gitInit(basedir)
ItSupport.run(basedir, "git", "sparse-checkout", "init", "--cone", "--sparse-index")
ItSupport.run(basedir, "git", "sparse-checkout", "set", "src")
assert !new File(basedir, "docs").exists()
Files.writeString(basedir.toPath().resolve("src/app.txt"), "app, changed\n")
return true

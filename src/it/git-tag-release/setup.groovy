import io.github.shipmaven.it.ItSupport

// Release day: the commit carries tags a docker tag cannot hold as they are, and the highest
// version is not the lexicographically last.
ItSupport.gitInit(basedir)
ItSupport.run(basedir, "git", "tag", "-a", "-m", "1.9", "release/1.9")
ItSupport.run(basedir, "git", "tag", "-a", "-m", "1.10", "release/1.10")
ItSupport.run(basedir, "git", "tag", "app@1.2.3")
return true

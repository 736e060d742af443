import io.github.shipmaven.it.ItSupport
ItSupport.gitInit(basedir)
ItSupport.run(basedir, "git", "checkout", "-q", "--detach")
return true

import io.github.shipmaven.it.ItSupport
ItSupport.run(basedir, "git", "init", "-q", "-b", "main")
return true

import io.github.shipmaven.it.ItSupport
ItSupport.gitInit(basedir)
return true

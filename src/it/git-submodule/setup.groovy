import io.github.shipmaven.it.ItSupport
ItSupport.submodule(basedir, "app")
return true

import io.github.shipmaven.it.ItSupport
ItSupport.shallowDetachedClone(basedir)
return true

import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

ItSupport.gitInit(basedir)
RenderStandIn.start(renderPort as int, renderKey, renderApiKey, ["live"])
return true

import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn
import io.github.shipmaven.it.StallingRegistry

ItSupport.gitInit(basedir)
RenderStandIn.start(renderPort as int, renderKey, renderApiKey, ["created", "update_in_progress", "live"])
StallingRegistry.start(stallPort as int)
return true

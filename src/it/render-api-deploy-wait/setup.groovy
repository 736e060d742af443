import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

ItSupport.gitInit(basedir)
// The first request (the deploy trigger) answers 429 with Retry-After: 1.
RenderStandIn.start(renderPort as int, renderKey, renderApiKey, ["created", "update_in_progress", "live"])
    .rateLimitFirst(1)
return true

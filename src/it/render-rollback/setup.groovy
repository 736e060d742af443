import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

ItSupport.gitInit(basedir)
// Newest first: dep-live0 live, dep-failed0 update_failed, dep-prev0 and dep-old0 deactivated.
RenderStandIn.start(renderPort as int, renderKey, renderApiKey, ["created", "update_in_progress", "live"])
    .seedHistory("srv-itrollback0", "${registry}/it/render-rollback".toString())
return true

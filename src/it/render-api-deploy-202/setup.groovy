import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

ItSupport.gitInit(basedir)
// Older deploys of the service (dep-live0 is live, of another digest) must not be taken for the new one.
RenderStandIn.start(renderPort as int, renderKey, renderApiKey, ["created", "update_in_progress", "live"])
    .answerTriggersWith202()
    .seedHistory("srv-itapi0202", "${registry}/it/render-api-deploy-202".toString())
return true

import groovy.json.JsonSlurper
import io.github.shipmaven.it.RenderStandIn

def calls = RenderStandIn.on(renderPort as int).calls()
RenderStandIn.stop(renderPort as int)

def log = new File(basedir, "build.log").text
assert calls.size() == 1
assert log.contains("Render deploy dep-standin1 ended update_failed") : "the failure does not say update_failed"
assert log.contains("https://dashboard.render.com/web/srv-it0001/deploys/dep-standin1")
assert log.contains("BUILD FAILURE")
def record = new JsonSlurper().parse(new File(basedir, "target/ship/image.json"))
assert record.digest != null : "the push should have been recorded before the deploy failed"
return true

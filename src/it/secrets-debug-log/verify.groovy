import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

def calls = RenderStandIn.on(renderPort as int).calls()
RenderStandIn.stop(renderPort as int)
assert calls.size() == 1 : "the -X run must do the whole pipeline, or the log proves nothing"

def logFile = new File(basedir, "build.log")
def log = logFile.text
assert log.contains("[DEBUG]") : "not a debug log"
assert log.contains("Render deploy dep-standin1 is live.")
def leaks = ItSupport.secretsIn(logFile, [registryUser], [registryPassword, renderKey, renderApiKey])
assert leaks.isEmpty() : "secrets in the -X log: ${leaks}"
return true

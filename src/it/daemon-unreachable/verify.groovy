import io.github.shipmaven.it.RenderStandIn

def calls = RenderStandIn.on(renderPort as int).calls()
RenderStandIn.stop(renderPort as int)
def log = new File(basedir, "build.log").text
assert log.contains("No Docker daemon answered; tried unix:///nonexistent/docker.sock (<dockerHost>): no such socket")
assert log.contains("ship.docker.host")
assert calls.isEmpty()
return true

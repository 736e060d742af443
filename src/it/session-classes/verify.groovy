import io.github.shipmaven.it.RenderStandIn

def calls = RenderStandIn.on(renderPort as int).calls()
RenderStandIn.stop(renderPort as int)
assert calls.size() == 2 : "expected the pipeline's hook call and ship:deploy's, got ${calls}"

// "[0.123s][info][class,load] okhttp3.internal.http2.Http2Connection source: file:/…"
def loaded = { String file ->
  def log = new File(basedir, file)
  assert log.isFile() : "${file}: no class-load log (was -Xlog passed to Maven's JVM?)"
  log.readLines().collect { line -> line.replaceFirst(/^(\[[^\]]*\])+\s*/, "").split(" ")[0] } as Set
}
// What only a BuildKit build's session needs: its classes, and okhttp's HTTP/2 connection under
// them.
def sessionOnly = { Set classes ->
  classes.findAll { name ->
    name ==~ /io\.github\.shipmaven\.buildkit\.(Session|FileSync|GrpcCall|ProtoWire|BuildKitBuild)(\$.*)?/ ||
        name == "okhttp3.internal.http2.Http2Connection" ||
        name == "okhttp3.internal.http2.Http2Connection\$Builder"
  }.sort()
}

def pipeline = sessionOnly(loaded("classes-pipeline.log"))
assert pipeline.contains("io.github.shipmaven.buildkit.Session") : "the pipeline's BuildKit build loaded no session: ${pipeline}"
assert pipeline.contains("okhttp3.internal.http2.Http2Connection")

["classes-info.log", "classes-deploy.log", "classes-classic.log"].each { file ->
  def found = sessionOnly(loaded(file))
  assert found.isEmpty() : "${file}: the session's classes were loaded: ${found}"
}
// ship:deploy calls Render with the JDK's HttpURLConnection: okhttp is the session's alone.
def deployOkhttp = loaded("classes-deploy.log").findAll { it ==~ /(okhttp3|okio|kotlin)\..*/ }.sort()
assert deployOkhttp.isEmpty() : "ship:deploy loaded okhttp, okio or Kotlin: ${deployOkhttp.take(10)}"
def log = new File(basedir, "build.log").text
assert log.contains("Builder: classic") : "run 4 did not build with the classic builder"
return true

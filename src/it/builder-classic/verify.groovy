import groovy.json.JsonSlurper
import io.github.shipmaven.it.ItSupport

def log = new File(basedir, "build.log").text
def sha = ItSupport.headSha(basedir)
def image = "${registry}/it/builder-classic:${sha}"
def docker = { String... args -> ItSupport.run(basedir, (["docker"] + args.toList()) as String[]).trim() }
assert log.count("Builder: classic (<builder> classic)") == 2

try {
  // 1: built by the classic builder, step by step, RUN included.
  assert log.contains("BUILD SUCCESS")
  assert log =~ /(?m)^\[INFO\] Step 3\/\d+ : RUN cat \/www\/hello.txt > \/www\/index.html$/
  def record = new JsonSlurper().parse(new File(basedir, "target/ship/image.json"))
  assert docker("image", "inspect", "--format", "{{.Id}}", image) == record.imageId
  assert docker("run", "--rm", "--network", "none", image, "cat", "/www/index.html") == "hello from the classic builder"
  // The classic builder makes one LABEL step per label (BuildKit none: see buildkit-dockerfile).
  def history = docker("history", "--no-trunc", "--format", "{{.CreatedBy}}", image)
  for (label in ["created", "revision", "title", "version"]) {
    assert history =~ /(?m)^\/bin\/sh -c #\(nop\)  LABEL org\.opencontainers\.image\.${label}=/ : history
  }
  assert history.count("LABEL ") == 4 : history

  // 2: a failing RUN, in the classic builder's words, its output streamed.
  assert log.contains("about to fail")
  assert log.contains("docker build failed: The command '/bin/sh -c echo about to fail && false' returned a non-zero code: 1")
  // The build asks for forcerm: the failed step's container is gone with the build, where `docker
  // build` (without --force-rm) would leave it stopped on the engine.
  def failedNow = docker("ps", "-a", "--no-trunc", "--format", "{{.Command}}")
      .readLines().count { it.contains("echo about to fail && false") }
  assert failedNow == (new File(basedir, "failed-containers-before.txt").text as int) : "the failed RUN left its container"
} finally {
  // A plugin without forcerm left the failed RUN's container: remove it, and this run's image, from
  // the shared engine.
  def failed = docker("ps", "-a", "--no-trunc", "--filter", "status=exited", "--format", "{{.ID}} {{.Command}}")
      .readLines().findAll { it.contains("echo about to fail && false") }.collect { it.split(" ")[0] }
  if (failed) {
    docker((["rm"] + failed) as String[])
  }
  ItSupport.run(basedir, "docker", "rmi", "-f", image, "${registry}/it/builder-classic:latest")
}
return true

import io.github.shipmaven.it.ItSupport
// The engine under test: the engine matrix's (scriptVariables engineHost), else the stack's Docker.
def engineHost = binding.hasVariable("engineHost") ? binding.getVariable("engineHost") : "unix:///var/run/docker.sock"

def log = new File(basedir, "build.log").text
def sha = ItSupport.headSha(basedir)
def image = "${registry}/it/buildkit-secret-missing"

try {
  // 1: one line: the step (Docker 28 names the stage), the id, BuildKit's words (28: "secret npmrc:
  // not found") and the fix.
  assert log =~ /(?m)^\[ERROR\] .*docker build failed in step \[(stage-0 )?2\/2\] RUN --mount=type=secret,id=npmrc,required cat \/run\/secrets\/npmrc > \/dev\/null: the Dockerfile needs secret 'npmrc' \(BuildKit: secret npmrc( not found)?: not found\), which <secrets> does not declare: add <secret><id>npmrc<\/id><env>VARIABLE<\/env><\/secret> \(or <file>path<\/file>\) to <secrets>, or mount it with required=false\./
  // 2: built, the step saw no secret.
  assert log =~ /(?m)^\[INFO\] #\d+ no npmrc: the step ran without it$/
  assert log.contains("BUILD SUCCESS")
  // 3: the plan's line; nothing was built in that run.
  assert log.contains("<secret> 'declared' comes from env SHIP_IT_DECLARED, which is not set (or empty): set it (a CI secret), or point the <secret> at another source.")
  assert log.count("BUILD FAILURE") == 2
  assert log.count("Builder: BuildKit") == 2
} finally {
  ItSupport.run(basedir, "docker", "-H", engineHost, "rmi", "-f", "${image}:${sha}", "${image}:latest")
}
return true

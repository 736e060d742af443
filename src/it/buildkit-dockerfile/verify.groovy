import groovy.json.JsonSlurper
import io.github.shipmaven.it.ItEngine
import io.github.shipmaven.it.ItSupport

// Runs on every engine of the matrix (pom.xml): Docker builds it with BuildKit, Podman with its own
// builder (buildah), which has cache mounts, COPY --chmod and the platform arguments too.
def on = ItEngine.of(engine, engineHost)
def log = new File(basedir, "build.log").text
def nonce = new File(basedir, "src/main/resources/nonce.txt").text.trim()
def sha = ItSupport.headSha(basedir)
def image = "${registry}/it/buildkit-dockerfile:${sha}"
def record = new JsonSlurper().parse(new File(basedir, "target/ship/image.json"))
def docker = { String... args -> on.docker(basedir, args) }

assert log.count("BUILD SUCCESS") == 2 : "on ${on}: both builds must succeed"
if (on.buildKit()) {
  assert log.count("Builder: BuildKit (the daemon ") == 2 : "on ${on}"
} else {
  assert log.count("Builder: classic (Podman builds with its own builder)") == 2 : "on ${on}"
}
assert docker("image", "inspect", "--format", "{{.Id}}", image) == record.imageId

// A cache mount reused: the second build's RUN ran again (RUN_ID changed) and found what the
// first one left in the cache. BuildKit's plain progress prints output as "#<step> <output>",
// buildah as it comes.
def out = on.buildKit() ? /#\d+ / : ""
assert log =~ /(?m)^\[INFO\] ${out}mvnw \(run 1\): the cache held: nothing of this project$/ : "on ${on}: run 1"
assert log =~ /(?m)^\[INFO\] ${out}mvnw \(run 2\): the cache held: downloaded in run 1 of ${nonce}$/ : "on ${on}: the cache mount was not reused"
if (on.buildKit()) {
  assert log =~ /(?m)^\[INFO\] #\d+ \[build \d\/\d\] RUN --mount=type=cache,target=\/root\/.m2 .\/mvnw install -DskipTests$/
} else {
  assert log =~ /(?m)^\[INFO\] \[1\/3\] STEP \d+\/\d+: RUN --mount=type=cache,target=\/root\/.m2 .\/mvnw install -DskipTests$/
}

// The Spring Boot guide's layout, copied from the build stage, runs.
assert docker("run", "--rm", "--network", "none", image) ==
    "hello from the application classes\nand from a dependency in BOOT-INF/lib"

// An unused stage is never built (it would fail the build).
assert !log.contains("the unused stage ran")
assert !log.contains("[unused")

// TARGETARCH and BUILDPLATFORM filled in, by BuildKit and by buildah alike (buildah also warns
// "missing \"BUILDPLATFORM\" build argument" as it fills them in).
assert docker("run", "--rm", "--network", "none", "--entrypoint", "cat", image, "/app/platform.txt") ==
    "TARGETARCH=amd64 BUILDPLATFORM=linux/amd64"

// COPY --chmod.
assert docker("run", "--rm", "--network", "none", "--entrypoint", "sh", image, "-c", "stat -c '%a %n' /app/run.sh") ==
    "750 /app/run.sh"

// The OCI labels are in the image config.
def labels = new JsonSlurper().parseText(docker("image", "inspect", "--format", "{{json .Config.Labels}}", image))
assert labels["org.opencontainers.image.revision"] == sha
assert labels["org.opencontainers.image.title"] == "buildkit-dockerfile"
assert labels["org.opencontainers.image.version"] == "1.0.0"
def history = docker("history", "--no-trunc", "--format", "{{.CreatedBy}}", image)
assert history.contains("> /app/platform.txt") : "on ${on}: not this image's history:\n${history}"
if (on.buildKit()) {
  // BuildKit sets them with no step (the classic builder makes one step per label: see builder-classic).
  assert !history.contains("LABEL") : "LABEL steps in the history:\n${history}"
}
return true

import groovy.json.JsonSlurper
import io.github.shipmaven.it.ItSupport

def log = new File(basedir, "build.log").text
def nonce = new File(basedir, "src/main/resources/nonce.txt").text.trim()
def sha = ItSupport.headSha(basedir)
def image = "${registry}/it/buildkit-dockerfile:${sha}"
def record = new JsonSlurper().parse(new File(basedir, "target/ship/image.json"))
def docker = { String... args -> ItSupport.run(basedir, (["docker"] + args.toList()) as String[]).trim() }

assert log.count("BUILD SUCCESS") == 2 : "both builds must succeed"
assert log.count("Builder: BuildKit (the daemon has it") == 2
assert docker("image", "inspect", "--format", "{{.Id}}", image) == record.imageId

// A cache mount reused: the second build's RUN ran again (RUN_ID changed) and found what the
// first one left in the cache. Lines as BuildKit's plain progress prints them: "#<step> <output>".
assert log =~ /(?m)^\[INFO\] #\d+ mvnw \(run 1\): the cache held: nothing of this project$/
assert log =~ /(?m)^\[INFO\] #\d+ mvnw \(run 2\): the cache held: downloaded in run 1 of ${nonce}$/
assert log =~ /(?m)^\[INFO\] #\d+ \[build \d\/\d\] RUN --mount=type=cache,target=\/root\/.m2 .\/mvnw install -DskipTests$/

// The Spring Boot guide's layout, copied from the build stage, runs.
assert docker("run", "--rm", "--network", "none", image) ==
    "hello from the application classes\nand from a dependency in BOOT-INF/lib"

// An unused stage is never built.
assert !log.contains("the unused stage ran")
assert !log.contains("[unused")

// TARGETARCH and BUILDPLATFORM filled in.
assert docker("run", "--rm", "--network", "none", "--entrypoint", "cat", image, "/app/platform.txt") ==
    "TARGETARCH=amd64 BUILDPLATFORM=linux/amd64"

// COPY --chmod.
assert docker("run", "--rm", "--network", "none", "--entrypoint", "sh", image, "-c", "stat -c '%a %n' /app/run.sh") ==
    "750 /app/run.sh"

// The OCI labels are in the image config, and no LABEL step made them (the classic builder makes
// one step per label: see builder-classic).
def labels = new JsonSlurper().parseText(docker("image", "inspect", "--format", "{{json .Config.Labels}}", image))
assert labels["org.opencontainers.image.revision"] == sha
assert labels["org.opencontainers.image.title"] == "buildkit-dockerfile"
assert labels["org.opencontainers.image.version"] == "1.0.0"
def history = docker("history", "--no-trunc", "--format", "{{.CreatedBy}}", image)
assert history.contains("TARGETARCH=amd64 BUILDPLATFORM=linux/amd64 /bin/sh -c") : "not this image's history:\n${history}"
assert !history.contains("LABEL") : "LABEL steps in the history:\n${history}"
return true

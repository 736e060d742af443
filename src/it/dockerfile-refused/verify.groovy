import io.github.shipmaven.it.ItSupport

def log = new File(basedir, "build.log").text
def sha = ItSupport.headSha(basedir)
def dockerfile = { String name -> new File(basedir, name).canonicalPath }

// 1: under BuildKit, the secret mount; the line, the limitation and the ways out.
assert log.contains("Builder: BuildKit")
assert log.contains(dockerfile("secret.Dockerfile") + ":3: RUN --mount=type=secret needs a BuildKit session,"
    + " which the Engine API cannot give a JVM client; pass the value as a build arg in <buildArgs>")

// 2: under the classic builder, the first BuildKit-only line, <builder>buildkit, and that there is more.
assert log.contains("Builder: classic (<builder> classic)")
assert log.contains(dockerfile("buildkit-only.Dockerfile") + ":2: COPY --chmod needs BuildKit; the classic builder"
    + " rejects it or, depending on the Engine version, silently ignores it; set <builder>buildkit</builder>"
    + " (ship.builder) or rewrite the line without --chmod (and 1 more problem in this Dockerfile)")

// Both before the upload: no context sent, no step run, no image tagged.
assert log.count("BUILD FAILURE") == 2
assert !log.contains("Build context: ")
assert !(log =~ /(?m)^\[INFO\] (#1 |Step 1\/)/)
for (tag in [sha, "latest"]) {
  def inspect = new ProcessBuilder("docker", "image", "inspect", "${registry}/it/dockerfile-refused:${tag}")
      .redirectErrorStream(true).start()
  inspect.inputStream.text
  assert inspect.waitFor() != 0 : "an image was tagged ${tag}"
}
return true

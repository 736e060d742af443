import io.github.shipmaven.it.ItSupport

def log = new File(basedir, "build.log").text
def sha = ItSupport.headSha(basedir)
def dockerfile = { String name -> new File(basedir, name).canonicalPath }

// 1: under the classic builder, the secret mount: the line, the missing session and the fix.
assert log.count("Builder: classic (<builder> classic)") == 2
assert log.contains(dockerfile("secret.Dockerfile") + ":3: RUN --mount=type=secret needs a BuildKit session,"
    + " which the classic builder and Podman's builder do not have: set <builder>buildkit</builder>"
    + " (ship.builder) and build on a Docker engine with BuildKit (the secret is served through it)")

// 2: under the classic builder, the first BuildKit-only line, <builder>buildkit, and that there is more.
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

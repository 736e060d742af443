import io.github.shipmaven.it.ItSupport

def log = new File(basedir, "build.log").text
def sha = ItSupport.headSha(basedir)
assert log.contains("BUILD SUCCESS")
assert log.contains("[INFO] Skipping ship:push (ship.push.skip).")
assert log.contains("[INFO] Skipping ship:deploy (ship.deploy.skip).")
assert !log.contains("No login for registry") : "the skipped push's login was required"
assert !log.contains("No Render deploy hook") : "the skipped deploy's hook was required"
// The build itself ran and tagged the image.
assert log.contains("Built sha256:")
def id = ItSupport.run(basedir, "docker", "image", "inspect", "--format", "{{.Id}}", "ghcr.io/ship-it/skip-flags:${sha}").trim()
assert id.startsWith("sha256:")
ItSupport.run(basedir, "docker", "image", "rm", "ghcr.io/ship-it/skip-flags:${sha}", "ghcr.io/ship-it/skip-flags:latest")
return true

import io.github.shipmaven.it.ItSupport

def logFile = new File(basedir, "build.log")
def log = logFile.text
def marker = new File(basedir, "marker.txt").text.trim()
def sha = ItSupport.headSha(basedir)
def image = "${registry}/it/buildkit-private-base:${sha}"
def source = "docker config docker-config/config.json auths['http://${registry}']"

assert log.contains("[DEBUG]") : "not a debug log"
assert log.contains("BUILD SUCCESS")
assert log.contains("Builder: BuildKit (<builder> buildkit)")
// The plugin pulled the base image with the login, then BuildKit built on it.
assert log.contains("Registry ${registry}: credentials from ${source}")
assert log.contains("Pulled base image ${registry}/it/private-base:1 with the login from ${source}")
assert log =~ /(?m)^\[INFO\] #\d+ the base image says: ${marker}$/
assert ItSupport.run(basedir, "docker", "run", "--rm", "--network", "none", image, "cat", "/seen.txt").trim() == marker

def leaks = ItSupport.secretsIn(logFile, [registryUser], [registryPassword])
assert leaks.isEmpty() : "secrets in the -X log: ${leaks}"
return true

import io.github.shipmaven.it.ItSupport
// The engine under test: the engine matrix's (scriptVariables engineHost), else the stack's Docker.
def engineHost = binding.hasVariable("engineHost") ? binding.getVariable("engineHost") : "unix:///var/run/docker.sock"

def logFile = new File(basedir, "build.log")
def log = logFile.text
def marker = new File(basedir, "marker.txt").text.trim()
def sha = ItSupport.headSha(basedir)
def image = "${registry}/it/buildkit-private-base:${sha}"
def source = "docker config docker-config/config.json auths['http://${registry}']"

assert log.contains("[DEBUG]") : "not a debug log"
assert log.contains("BUILD SUCCESS")
assert log.contains("Builder: BuildKit (<builder> buildkit)")
// BuildKit asked the session for the login and pulled the base image itself: the plugin sent no
// pull (POST /images/create) to the daemon, only the session and the build.
assert log.contains("Registry ${registry}: credentials from ${source}")
assert log.contains("BuildKit asked for the login of ${registry}: ${source}")
assert !log.contains("Pulled base image")
def requests = new File(basedir, "daemon-requests.log").readLines()
assert requests.any { it.startsWith("POST /session") } : requests
assert requests.any { it.startsWith("POST /build?") } : requests
assert !requests.any { it.contains("/images/create") } : requests
assert log =~ /(?m)^\[INFO\] #\d+ the base image says: ${marker}$/
assert ItSupport.run(basedir, "docker", "-H", engineHost, "run", "--rm", "--network", "none", image, "cat", "/seen.txt").trim() == marker

def leaks = ItSupport.secretsIn(logFile, [registryUser], [registryPassword])
assert leaks.isEmpty() : "secrets in the -X log: ${leaks}"
return true

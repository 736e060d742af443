import io.github.shipmaven.it.DaemonRequestLog
import io.github.shipmaven.it.ItSupport

def base = "${registry}/it/private-base"
// New in every run, so the build can only have it from this run's push.
def marker = UUID.randomUUID().toString()
new File(basedir, "base/marker.txt").text = marker + "\n"
ItSupport.run(new File(basedir, "base"), "docker", "build", "-q", "-t", "${base}:1", ".")
// Through the Engine API with X-Registry-Auth: `docker login` would write ~/.docker/config.json.
ItSupport.pushWithLogin(base, "1", registry, registryUser, registryPassword)
ItSupport.run(basedir, "docker", "rmi", "${base}:1")
assert ItSupport.registryDigest(registry, "it/private-base", "1", registryUser, registryPassword) != null

new File(basedir, "marker.txt").text = marker + "\n"
new File(basedir, ".dockerignore").text = "docker-config\n.git\ntarget\nbase\n"
ItSupport.gitInit(basedir)

// The pull login, untracked and kept out of the build context.
def auth = "${registryUser}:${registryPassword}".bytes.encodeBase64().toString()
new File(basedir, "docker-config").mkdirs()
new File(basedir, "docker-config/config.json").text = "{\"auths\":{\"http://${registry}\":{\"auth\":\"${auth}\"}}}"
// Every request the plugin sends the daemon, request line by request line.
def engineHost = binding.hasVariable("engineHost") ? binding.getVariable("engineHost") : "unix:///var/run/docker.sock"
DaemonRequestLog.start("/tmp/ship-it-private-base.sock", engineHost - "unix://",
    new File(basedir, "daemon-requests.log").path)
return true

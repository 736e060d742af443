import io.github.shipmaven.it.ItSupport

def buildLog = new File(basedir, "build.log")
def log = buildLog.text
assert log.contains("BUILD SUCCESS")
// ship:info names the engine reached over ssh, and where it was found.
assert log =~ /Engine: +Docker Engine [0-9][^ ]* \(API [0-9.]+, linux\/amd64\) at ssh:\/\/ship-it-ssh \(DOCKER_HOST\)/
// The BuildKit build (its session included) went through ssh.
assert log.contains("Builder: BuildKit")
assert log =~ /#[0-9]+ \[stage-0 [0-9\/]+\] RUN --mount=type=cache/
assert log.contains("Pushed ${registry}/it/daemon-ssh:latest")
def digest = ItSupport.registryDigest(registry, "it/daemon-ssh", "latest", registryUser, registryPassword)
assert digest != null
assert log.contains("Pushed ${registry}/it/daemon-ssh:latest (${digest})")

// Every connection was an ssh login with the agent's key (ssh's own agent, through SSH_AUTH_SOCK).
def before = new File(basedir, "sshd-log-lines.txt").text as int
def sshd = ItSupport.sshdLog().drop(before)
def key = ItSupport.sshFingerprint(new File("/tmp/ship-stack/sshd/client/id_ed25519.pub"))
def logins = sshd.findAll { it.startsWith("Accepted publickey for root from 127.0.0.1 ") }
assert logins.size() >= 5 : "expected a login per connection (ping, inspect, session, build, push, …): ${sshd}"
assert logins.every { it.endsWith("ED25519 ${key}") } : logins
// ...and each ended: no ssh is left running for this build.
def left = "ps -eo args".execute().text.readLines().findAll { it.contains("ship-it-ssh") && it.contains("dial-stdio") }
assert left.isEmpty() : "ssh processes left: ${left}"
def leaks = ItSupport.secretsIn(buildLog, [registryUser], [registryPassword])
assert leaks.isEmpty() : "secrets in the log: ${leaks}"
return true

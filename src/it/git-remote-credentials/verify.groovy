import groovy.json.JsonSlurper
import io.github.shipmaven.it.ItSupport

def canaries = ["CanaryGitToken-3f9a1c", "CanaryGitToken-ssh-77d2", "CanaryGitToken-scp-51e0"]
def sha = ItSupport.headSha(basedir)
def reference = "${registry}/it/git-remote-credentials:${sha}"

def logFile = new File(basedir, "build.log")
def log = logFile.text
assert log.contains("[DEBUG]") : "not a debug log"
assert log.contains("BUILD SUCCESS")
assert ItSupport.registryDigest(registry, "it/git-remote-credentials", sha, registryUser, registryPassword) != null :
    "the image was not pushed, so the test proves nothing about what was pushed"
assert log.contains("Source:     https://git_server.internal/team/app.git") : "ship:info did not show the source"

// The image: its labels (and whole config) as the daemon has it, and as the registry serves it.
def inspect = ItSupport.run(basedir, "docker", "image", "inspect", reference)
def labels = new JsonSlurper().parseText(
    ItSupport.run(basedir, "docker", "image", "inspect", "--format", "{{json .Config.Labels}}", reference))
assert labels["org.opencontainers.image.source"] == "https://git_server.internal/team/app.git"
def history = ItSupport.run(basedir, "docker", "image", "history", "--no-trunc", reference)
def record = new File(basedir, "target/ship/image.json").text

def leaks = []
canaries.each { canary ->
  [log: log, "docker inspect": inspect, "docker history": history, "image.json": record].each { where, text ->
    if (text.contains(canary)) {
      leaks << "${canary} in ${where}"
    }
  }
  leaks.addAll(ItSupport.secretsIn(logFile, [], [canary]).collect { "${it} of ${canary} in the log" })
}
assert leaks.isEmpty() : "git credentials leaked: ${leaks}"
return true

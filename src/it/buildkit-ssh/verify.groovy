import io.github.shipmaven.it.ItSupport
// The engine under test: the engine matrix's (scriptVariables engineHost), else the stack's Docker.
def engineHost = binding.hasVariable("engineHost") ? binding.getVariable("engineHost") : "unix:///var/run/docker.sock"

def log = new File(basedir, "build.log").text
def sha = ItSupport.headSha(basedir)
def image = "${registry}/it/buildkit-ssh:${sha}"
def comment = new File(basedir, "key-comment.txt").text.trim()

try {
  // 1: both mounts reached the agent through the session and listed its one key.
  assert log.contains("Builder: BuildKit (<builder> buildkit)")
  assert log =~ /(?m)^\[INFO\] #\d+ agent keys: 1$/
  assert log =~ /(?m)^\[INFO\] #\d+ agent key: ${comment}$/
  def listed = { String path ->
    ItSupport.run(basedir, "docker", "-H", engineHost, "run", "--rm", "--network", "none", image, "cat", path).trim()
  }
  assert listed("/agent-keys.txt") == "agent keys: 1\nagent key: ${comment}"
  assert listed("/deploy-keys.txt") == "agent keys: 1\nagent key: ${comment}"

  // 2: the deploy id is not in <ssh>: BuildKit's error carries the session's line naming <ssh>.
  assert log.contains("no SSH agent with id 'deploy' in <ssh> (ship.ssh), which has default: add it")

  // 3: before the build: no step ran.
  assert log.contains("<ssh> (ship.ssh) 'default': the agent socket /tmp/ship-it-no-agent.sock does"
      + " not exist: start the agent (eval \"\$(ssh-agent)\" && ssh-add) and name its socket.")
  assert log.count("BUILD FAILURE") == 2
} finally {
  ItSupport.run(basedir, "kill", new File(basedir, "agent.pid").text.trim())
  new File("/tmp/ship-it-ssh-agent.sock").delete()
  ItSupport.run(basedir, "docker", "-H", engineHost, "rmi", "-f", image, "${registry}/it/buildkit-ssh:latest")
}
return true

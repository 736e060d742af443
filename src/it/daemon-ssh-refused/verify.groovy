// Both invocations write to build.log, one after the other.
def lines = new File(basedir, "build.log").readLines()
def errors = lines.findAll { it.startsWith("[ERROR] Failed to execute goal io.github.shipmaven:") }
assert errors.size() == 2 : "expected one failure per invocation: ${lines.findAll { it.startsWith('[ERROR]') }}"
def fix = "must work from this shell without a prompt (a key in ssh-agent or ~/.ssh/config, the host in known_hosts, docker on the remote PATH)."

// An unknown host key: ssh's words, not a prompt, and nothing built.
assert errors[0].contains("The Docker daemon at ssh://ship-it-ssh-unknown-key (<dockerHost>) could not be reached through ssh: Host key verification failed. (`ssh -- ship-it-ssh-unknown-key docker system dial-stdio` exited with 255). `ssh -- ship-it-ssh-unknown-key docker version` ${fix}") : errors[0]
// A key sshd refuses.
assert errors[1].contains("The Docker daemon at ssh://ship-it-ssh-denied (<dockerHost>) could not be reached through ssh: root@127.0.0.1: Permission denied (publickey). (`ssh -- ship-it-ssh-denied docker system dial-stdio` exited with 255).") : errors[1]
assert !lines.any { it.contains("Build context: ") || it.contains("Builder: ") } : "something was built"
assert !lines.any { it.contains("Are you sure you want to continue connecting") }
return true

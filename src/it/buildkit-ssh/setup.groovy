import io.github.shipmaven.it.ItSupport

// A static stand-in for ssh-add -l, small enough to COPY into a busybox image.
ItSupport.run(basedir, "gcc", "-static", "-Os", "-s", "-o", "agent-list", "agent-list.c")
new File(basedir, ".dockerignore").text = "*\n!agent-list\n!Dockerfile\n"
ItSupport.gitInit(basedir)

// A throwaway agent holding a throwaway key whose comment is new in every run.
def socket = new File("/tmp/ship-it-ssh-agent.sock")
socket.delete()
def agent = ItSupport.run(basedir, "ssh-agent", "-s", "-a", socket.path)
def pid = (agent =~ /SSH_AGENT_PID=(\d+)/)[0][1]
new File(basedir, "agent.pid").text = pid
def comment = "ship-it-key-" + UUID.randomUUID()
new File(basedir, "key-comment.txt").text = comment
ItSupport.run(basedir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f",
    new File(basedir, "id_throwaway").path)
def add = new ProcessBuilder("ssh-add", new File(basedir, "id_throwaway").path)
    .directory(basedir).redirectErrorStream(true)
add.environment().put("SSH_AUTH_SOCK", socket.path)
def process = add.start()
process.inputStream.text
assert process.waitFor() == 0 : "ssh-add failed"
return true

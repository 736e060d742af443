import io.github.shipmaven.it.ItSupport
ItSupport.gitInit(basedir)
// Logins sshd has accepted before this build: the build's own are counted after it.
new File(basedir, "sshd-log-lines.txt").text = ItSupport.sshdLog().size() as String
return true

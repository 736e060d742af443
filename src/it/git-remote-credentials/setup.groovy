import io.github.shipmaven.it.ItSupport

// A CI checkout whose origin carries a token, on a host java.net.URI cannot parse (an underscore),
// and other remotes with credentials in the other forms git accepts.
ItSupport.gitInit(basedir)
ItSupport.run(basedir, "git", "remote", "add", "origin",
    "https://ci_user:CanaryGitToken-3f9a1c@git_server.internal/team/app.git")
ItSupport.run(basedir, "git", "remote", "add", "mirror",
    "ssh://deploy:CanaryGitToken-ssh-77d2@[2001:db8::7]:2222/team/app.git")
ItSupport.run(basedir, "git", "remote", "set-url", "--push", "mirror",
    "CanaryGitToken-scp-51e0:x@backup_host:team/app.git")
return true

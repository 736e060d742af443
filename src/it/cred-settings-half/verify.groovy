import io.github.shipmaven.it.ItSupport

def log = new File(basedir, "build.log").text
assert log.contains("BUILD FAILURE")
def line = "settings.xml server 'it-user-only' has a <username> but no <password>: a registry login needs both."
assert log.contains(line) : "the refusal does not name the server and what is missing"
// Refused in the plan, by ship:build, before anything was built or pushed.
assert log.contains("ship-maven-plugin") && log.contains(":build")
assert !log.contains("Built ") : "the image was built before the login was checked"
assert !log.contains("refused the push") : "the login was only found wanting at the push"
def sha = ItSupport.headSha(basedir)
def inspect = new ProcessBuilder("docker", "image", "inspect", "${registry}/it/cred-settings-half:${sha}")
    .redirectErrorStream(true).start()
assert inspect.waitFor() != 0 : "an image was built"
return true

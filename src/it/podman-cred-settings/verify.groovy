import io.github.shipmaven.it.ItSupport

ItSupport.assertPushedWith(basedir, registry, registryUser, registryPassword, "settings.xml server 'it-encrypted'", ["it-master-canary-31"])
def log = new File(basedir, "build.log").text
assert log.contains("not confirmed with the registry (Podman does not serve /distribution)") : "not pushed through Podman"
return true

import io.github.shipmaven.it.ItSupport

def log = new File(basedir, "build.log").text
assert log.contains("BUILD SUCCESS")
assert log.contains("Build context: ")
assert log.contains("Pushed ${registry}/it/daemon-tls:latest")
assert ItSupport.registryDigest(registry, "it/daemon-tls", "latest", registryUser, registryPassword) != null
return true

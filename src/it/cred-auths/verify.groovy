import io.github.shipmaven.it.ItSupport

def logFile = new File(basedir, "build.log")
def log = logFile.text
assert log.contains("[DEBUG]") : "not a debug log"
assert log.contains("Registry ${registry}: credentials from docker config ") : "the debug log does not name the source"
assert log.contains("BUILD SUCCESS")
def repository = "it/" + basedir.name
assert ItSupport.registryDigest(registry, repository, "latest", registryUser, registryPassword) != null
def leaks = ItSupport.secretsIn(logFile, [registryUser], [registryPassword])
assert leaks.isEmpty() : "secrets in the -X log: ${leaks}"
return true

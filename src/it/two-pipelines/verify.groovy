import io.github.shipmaven.it.ItSupport

def sha = ItSupport.headSha(basedir)
def shortSha = sha.substring(0, 7)
def digest = { repository, tag -> ItSupport.registryDigest(registry, repository, tag, registryUser, registryPassword) }
// Each pipeline pushed its own image with its own tags, and nothing of the other's.
assert digest("it/two-pipelines-web", sha) != null
assert digest("it/two-pipelines-web", "latest") != null
assert digest("it/two-pipelines-worker", "worker-${shortSha}") != null
assert digest("it/two-pipelines-worker", sha) == null
assert digest("it/two-pipelines-web", "worker-${shortSha}") == null
def log = new File(basedir, "build.log").text
assert log.contains("Pushed ${registry}/it/two-pipelines-web:${sha}")
assert log.contains("Pushed ${registry}/it/two-pipelines-worker:worker-${shortSha}")
return true

import io.github.shipmaven.it.ItSupport

def sha = ItSupport.headSha(basedir)
def image = "${registry}/it/cred-home"
try {
  ItSupport.assertPushedWith(basedir, registry, registryUser, registryPassword, "docker config home/.docker/config.json auths['http://${registry}']", [])
} finally {
  ItSupport.run(basedir, "docker", "rmi", "-f", "${image}:${sha}", "${image}:latest")
}
return true

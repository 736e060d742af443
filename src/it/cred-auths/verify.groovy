import io.github.shipmaven.it.ItSupport

ItSupport.assertPushedWith(basedir, registry, registryUser, registryPassword, "docker config docker-config/config.json auths['http://${registry}']", [])
return true

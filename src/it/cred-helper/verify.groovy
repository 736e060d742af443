import io.github.shipmaven.it.ItSupport

ItSupport.assertPushedWith(basedir, registry, registryUser, registryPassword, "credential helper 'cred-helper'", [])
return true

import io.github.shipmaven.it.ItSupport

ItSupport.assertPushedWith(basedir, registry, registryUser, registryPassword, "credsStore 'cred-store'", [])
return true

import io.github.shipmaven.it.ItSupport

ItSupport.assertPushedWith(basedir, registry, registryUser, registryPassword, "settings.xml server 'it-encrypted'", ["it-master-canary-31"])
return true

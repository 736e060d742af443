import io.github.shipmaven.it.ItSupport
ItSupport.credentialHelperSetup(basedir, "cred-store", "{\"credsStore\":\"cred-store\"}", registry, registryUser, registryPassword)
ItSupport.gitInit(basedir)
return true

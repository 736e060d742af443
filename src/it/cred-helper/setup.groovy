import io.github.shipmaven.it.ItSupport
ItSupport.credentialHelperSetup(basedir, "cred-helper", "{\"credHelpers\":{\"${registry}\":\"cred-helper\"}}", registry, registryUser, registryPassword)
ItSupport.gitInit(basedir)
return true

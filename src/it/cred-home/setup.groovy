import io.github.shipmaven.it.ItSupport
def auth = "${registryUser}:${registryPassword}".bytes.encodeBase64().toString()
new File(basedir, "home/.docker").mkdirs()
new File(basedir, "home/.docker/config.json").text = "{\"auths\":{\"http://${registry}\":{\"auth\":\"${auth}\"}}}"
ItSupport.gitInit(basedir)
return true

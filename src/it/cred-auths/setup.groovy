import io.github.shipmaven.it.ItSupport
def auth = "${registryUser}:${registryPassword}".bytes.encodeBase64().toString()
new File(basedir, "docker-config").mkdirs()
new File(basedir, "docker-config/config.json").text = "{\"auths\":{\"http://${registry}\":{\"auth\":\"${auth}\"}}}"
ItSupport.gitInit(basedir)
return true

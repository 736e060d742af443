import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.SavedImage
import java.security.MessageDigest
// The engine under test: the engine matrix's (scriptVariables engineHost), else the stack's Docker.
def engineHost = binding.hasVariable("engineHost") ? binding.getVariable("engineHost") : "unix:///var/run/docker.sock"

def logFile = new File(basedir, "build.log")
def log = logFile.text
def sha = ItSupport.headSha(basedir)
def image = "${registry}/it/buildkit-secrets:${sha}"
def token = "Canary-Build-Token-3e9a71"
def settingsFile = new File(basedir, "secret-settings.xml")
def filePassword = new File(basedir, "file-canary.txt").text.trim()
def sha256 = { byte[] bytes -> MessageDigest.getInstance("SHA-256").digest(bytes).encodeHex().toString() }
def inImage = { String path ->
  ItSupport.run(basedir, "docker", "-H", engineHost, "run", "--rm", "--network", "none", image, "cat", path).trim()
}

try {
  assert log.contains("[DEBUG]") : "not a debug log"
  assert log.contains("Builder: BuildKit (<builder> buildkit)")
  // Both values reached their RUN steps: the image holds their hashes, not them.
  assert inImage("/app/token.sha256") == sha256(token.bytes)
  assert inImage("/app/m2.sha256") == sha256(settingsFile.bytes)
  assert log =~ /(?m)^\[INFO\] #\d+ token read: ${token.length()} bytes$/
  assert log =~ /(?m)^\[INFO\] #\d+ settings.xml servers: 1$/
  // The step that printed the token: masked in the plugin's log.
  assert log =~ /(?m)^\[INFO\] #\d+ printed: \*\*\*\*$/
  assert log.contains("BuildKit asked for secret 'token': ${token.length()} bytes from env SHIP_IT_BUILD_TOKEN")
  assert log.contains("BuildKit asked for secret 'm2settings': ${settingsFile.length()} bytes from file ${settingsFile.canonicalPath}")

  // Nowhere else: not in the -X log (any encoding), the layers, the history or image.json.
  def leaks = ItSupport.secretsIn(logFile, ["deployer"], [token, filePassword])
  assert leaks.isEmpty() : "secrets in the -X log: ${leaks}"
  def layers = SavedImage.content(engineHost, image)
  assert !layers.contains(token) : "the token is in the image"
  assert !layers.contains(filePassword) : "the settings.xml password is in the image"
  assert layers.contains(sha256(token.bytes)) // the layers were read: the step's own file is there
  def history = ItSupport.run(basedir, "docker", "-H", engineHost, "history", "--no-trunc", image)
  assert history.contains("sha256sum /run/secrets/token") // the RUN line is there, no value
  assert !history.contains(token) && !history.contains(filePassword)
  def record = new File(basedir, "target/ship/image.json").text
  assert record.contains(sha)
  assert !record.contains(token) && !record.contains(filePassword)

  // 2: ship:info lists the ids and where each comes from, never the values.
  assert log.contains("Secrets:    token (env SHIP_IT_BUILD_TOKEN), m2settings (file ${settingsFile.canonicalPath})")
  assert log.contains("SSH:        none (<ssh>, ship.ssh)")
} finally {
  ItSupport.run(basedir, "docker", "-H", engineHost, "rmi", "-f", image, "${registry}/it/buildkit-secrets:latest")
}
return true

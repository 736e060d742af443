import io.github.shipmaven.it.ItSupport

def log = new File(basedir, "build.log").text
assert log.contains("settings.xml server 'it-encrypted': its password cannot be decrypted") : "no clear decryption error"
assert !log.contains("Step 1/") : "the image was built before the login was checked"
assert ItSupport.registryDigest(registry, "it/cred-settings-undecryptable", "latest", registryUser, registryPassword) == null
return true

import io.github.shipmaven.it.ItSupport

new File(basedir, ".dockerignore").text = "secret-settings.xml\nfile-canary.txt\n.git\ntarget\n"
ItSupport.gitInit(basedir)

// The file secret: a Maven settings.xml whose password is new in every run. Untracked, and kept
// out of the build context: only the session may carry it into the build.
def password = "Canary-File-Pw-" + UUID.randomUUID()
new File(basedir, "secret-settings.xml").text = """<settings>
  <servers>
    <server>
      <id>private-repo</id>
      <username>deployer</username>
      <password>${password}</password>
    </server>
  </servers>
</settings>
"""
new File(basedir, "file-canary.txt").text = password
return true

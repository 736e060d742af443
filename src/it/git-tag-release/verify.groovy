import io.github.shipmaven.it.ItSupport

def sha = ItSupport.headSha(basedir)
def log = new File(basedir, "build.log").text
assert log.contains("BUILD SUCCESS")
def expected = ["release-1.10", sha.substring(0, 7)]
def gitOrder = ItSupport.run(basedir, "git", "tag", "--sort=v:refname", "--points-at", "HEAD").trim().split("\n")
assert gitOrder[-1] == "release/1.10" : "git orders them ${gitOrder}"
try {
  expected.each { tag ->
    def id = ItSupport.run(basedir, "docker", "image", "inspect", "--format", "{{.Id}}",
        "${registry}/it/git-tag-release:${tag}").trim()
    assert id.startsWith("sha256:") : "no image tagged ${tag}"
  }
  assert log.contains("${registry}/it/git-tag-release:release-1.10")
} finally {
  expected.each { tag ->
    ItSupport.run(basedir, "docker", "image", "rm", "${registry}/it/git-tag-release:${tag}")
  }
}
return true

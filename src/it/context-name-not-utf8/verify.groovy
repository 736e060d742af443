import io.github.shipmaven.it.ItEngine
import io.github.shipmaven.it.ItSupport
import io.github.shipmaven.it.RenderStandIn

def on = ItEngine.of(engine, engineHost)
def calls = RenderStandIn.on(renderPort as int).calls()
RenderStandIn.stop(renderPort as int)
def lines = new File(basedir, "build.log").readLines()
def sha = ItSupport.headSha(basedir)
def image = "${registry}/it/context-name-not-utf8"

try {
  assert !lines.any { it.contains("UncheckedIOException") || it.contains("InvalidPathException") } : "on ${on}"
  if (on.refusesNamesNotUtf8()) {
    // One line naming the file (escaped as git quotes it) and the fix, from the plugin: the
    // daemon's own error ("string field contains invalid UTF-8") names no file.
    def message = ~/docker build failed: the build context has a file name that is not UTF-8, which Docker [0-9.]+'s BuildKit refuses: docs\/bad\\377name; rename it, or add it to \.dockerignore\./
    def errors = lines.findAll { it.startsWith("[ERROR] ") && it.contains("not UTF-8") }
    assert errors.size() == 1 : "on ${on}: expected one failure line, got ${lines.findAll { it.startsWith('[ERROR]') }}"
    assert errors[0] =~ /: ${message} -> \[Help 1\]$/ : "on ${on}: the failure reads: ${errors[0]}"
    // One line: the exception's message (printed by -e) is followed by its stack, not a stray newline.
    def cause = lines.findIndexOf { it.startsWith("Caused by: ") && it =~ message }
    assert cause >= 0 && lines[cause + 1].startsWith("    at ") : "on ${on}: the message is not one line"
    assert lines.contains("[INFO] BUILD FAILURE")
    assert !lines.any { it.contains(":push (default) @") } : "on ${on}: the push goal ran"
    assert calls.isEmpty()
    assert ItSupport.registryDigest(registry, "it/context-name-not-utf8", sha, registryUser, registryPassword) == null
  } else {
    // Docker 20.10 takes the name as bytes: built, pushed, deployed, and the image holds the file.
    assert lines.contains("[INFO] BUILD SUCCESS") : "on ${on}: ${lines.findAll { it.startsWith('[ERROR]') }}"
    assert !lines.any { it.contains("not UTF-8") } : "on ${on}"
    def digest = ItSupport.registryDigest(registry, "it/context-name-not-utf8", sha, registryUser, registryPassword)
    assert digest != null && calls.size() == 1 && calls[0].imgUrl() == "${image}@${digest}"
    def listing = on.docker(basedir, "run", "--rm", "--network", "none", "${image}:${sha}",
        "sh", "-c", "ls /www/docs | wc -l; cat \"/www/docs/\$(printf 'bad\\377name')\"")
    assert listing.trim().split("\n")*.trim() == ["2", "x"] : listing
    on.docker(basedir, "rmi", "${image}:${sha}", "${image}:latest")
  }
} finally {
  // The build cache records this build made (the session's cached context sources, the COPY), by ID.
  def before = new File(basedir, "build-cache-before.log").readLines().findAll { it } as Set
  ItSupport.pruneBuildCacheSince(engineHost, before)
  // A name Java cannot spell: removed with rm, so a second run's clean-up (Java's) is not stopped.
  ItSupport.run(basedir, "rm", "-rf", "docs")
}
return true

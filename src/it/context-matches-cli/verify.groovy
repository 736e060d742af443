import io.github.shipmaven.it.ItSupport

def log = new File(basedir, "build.log").text
assert log.count("BUILD SUCCESS") == 2
assert log.count("Build context: ") == 2

assert log.contains("Builder: BuildKit (the daemon has it")
assert log.contains("Builder: classic (<builder> classic)")

// The same context, sent by the docker CLI: the `docker` first on PATH has no buildx, so its
// `docker build` is the classic builder (it says so); Debian's /usr/bin/docker 20.10 speaks
// BuildKit itself, through a session, as the plugin does.
def cliOutput = ItSupport.run(basedir, "docker", "build", "-q", "-t", "it/context-matches-cli:cli", ".")
assert cliOutput.contains("legacy builder is deprecated") : "the docker CLI did not use the classic builder:\n${cliOutput}"
def pb = new ProcessBuilder("/usr/bin/docker", "build", "-q", "-t", "it/context-matches-cli:cli-buildkit", ".")
    .directory(basedir).redirectErrorStream(true)
pb.environment().put("DOCKER_BUILDKIT", "1")
def cliBuildKit = pb.start()
def cliBuildKitOutput = cliBuildKit.inputStream.text
assert cliBuildKit.waitFor() == 0 : "DOCKER_BUILDKIT=1 /usr/bin/docker build failed:\n${cliBuildKitOutput}"
def cli = ItSupport.imageFiles("it/context-matches-cli:cli", true)
def cliBk = ItSupport.imageFiles("it/context-matches-cli:cli-buildkit", true)
def classic = ItSupport.imageFiles("${registry}/it/context-matches-cli:plugin-classic", true)
def buildkit = ItSupport.imageFiles("${registry}/it/context-matches-cli:plugin", true)
println "context-matches-cli: compared the plugin's classic build with the CLI's classic build (${cli.size()} entries) and its BuildKit build with the CLI's BuildKit build (${cliBk.size()} entries): modes, names, links, times"

assert classic == cli : "plugin (classic) and CLI (classic) differ:\nonly plugin: ${classic - cli}\nonly CLI: ${cli - classic}"
// Through the session BuildKit reads the Dockerfile from its own directory and applies
// .dockerignore itself: the image is the CLI's, entry for entry.
assert buildkit == cliBk : "plugin (BuildKit) and CLI (BuildKit) differ:\nonly plugin: ${buildkit - cliBk}\nonly CLI: ${cliBk - buildkit}"
assert !log.contains("copies Dockerfile into the image although .dockerignore excludes it")
assert log.contains("Build context: ") && log.contains(" sent (")
// The modes, times and links the CLI keeps, kept (the comparisons above hold them; these say which)
println "context-matches-cli: BuildKit: " + buildkit.findAll { it =~ /modes|times|links|caf/ }
println "context-matches-cli: classic: " + classic.findAll { it =~ /modes|times|links|caf/ }
assert buildkit.any { it.startsWith("4755 ctx/modes/setuid.sh") }
assert buildkit.any { it.startsWith("2775 ctx/modes/setgid/") }
assert buildkit.any { it.startsWith("1777 ctx/modes/shared/") }
assert buildkit.any { it.startsWith("644 ctx/times/old.txt @-302486400") }
assert buildkit.any { it.startsWith("644 ctx/times/far.txt @8849001600") }
assert buildkit.any { it.startsWith("644 ctx/links/second.txt => ctx/links/first.txt") }
assert buildkit.any { it.startsWith("644 ctx/caf\u00e9.txt") }
// The classic builder itself drops setuid and times before 1970 (the CLI's classic build too);
// sticky and setgid, times past 2242 and hard links arrive.
assert classic.any { it.startsWith("1777 ctx/modes/shared/") }
assert classic.any { it.startsWith("2775 ctx/modes/setgid/") }
assert classic.any { it.startsWith("644 ctx/times/far.txt @8849001600") }
assert classic.any { it.startsWith("644 ctx/links/second.txt => ctx/links/first.txt") }

def plugin = classic
def names = plugin.collect { it.split(" ", 2)[1].replaceFirst(/ (->|=>|@).*/, "") }
assert names.contains("ctx/README.md")
assert !names.contains("ctx/README-secret.md")
assert !names.contains("ctx/CHANGES.md")
assert names.contains("ctx/keep/important.log")
assert !names.contains("ctx/keep/other.log")
assert names.contains("ctx/node_modules/kept.js")
assert !names.any { it.startsWith("ctx/node_modules/dep") }
// Both are sent (the daemon needs them) and the daemon then drops them, as .dockerignore says.
assert !names.contains("ctx/Dockerfile")
assert !names.contains("ctx/.dockerignore")
// secret/** excludes what is below secret/, not the directory itself
assert names.contains("ctx/secret/")
assert !names.any { it.startsWith("ctx/secret/") && it != "ctx/secret/" }
assert !names.contains("ctx/# not a comment")
assert names.contains("ctx/# a comment: not a pattern")
assert names.contains("ctx/empty/nested/")
assert plugin.any { it.startsWith("755 ctx/bin/run.sh") }
assert plugin.any { it.contains("ctx/link -> src/Main.java") }
assert names.any { it.endsWith("file-with-a-long-name-as-well.txt") && it.length() > 100 }
return true

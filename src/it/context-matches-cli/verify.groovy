import io.github.shipmaven.it.ItSupport

def log = new File(basedir, "build.log").text
assert log.count("BUILD SUCCESS") == 2
assert log.count("Build context: ") == 2
assert log.contains("Builder: BuildKit (the daemon has it")
assert log.contains("Builder: classic (<builder> classic)")

// The same context, sent by the docker CLI. This CLI has no buildx, so its `docker build` is the
// classic builder; it says so.
def cliOutput = ItSupport.run(basedir, "docker", "build", "-q", "-t", "it/context-matches-cli:cli", ".")
assert cliOutput.contains("legacy builder is deprecated") : "the docker CLI did not use the classic builder:\n${cliOutput}"
def cli = ItSupport.imageFiles("it/context-matches-cli:cli")
def classic = ItSupport.imageFiles("${registry}/it/context-matches-cli:plugin-classic")
def buildkit = ItSupport.imageFiles("${registry}/it/context-matches-cli:plugin")
println "context-matches-cli: compared the plugin's classic build and its BuildKit build with the docker CLI's classic build (${cli.size()} entries)"

assert classic == cli : "plugin (classic) and CLI (classic) differ:\nonly plugin: ${classic - cli}\nonly CLI: ${cli - classic}"
// BuildKit reads the Dockerfile from the uploaded context, so `COPY . /ctx/` copies it though
// .dockerignore excludes it; the plugin warns, naming the line. Nothing else differs.
assert buildkit - cli == ["644 ctx/Dockerfile"] : "plugin (BuildKit) has more than the CLI: ${buildkit - cli}"
assert cli - buildkit == [] : "plugin (BuildKit) lacks: ${cli - buildkit}"
assert log.contains("Dockerfile:2: copies Dockerfile into the image although .dockerignore excludes it")

def plugin = classic
def names = plugin.collect { it.split(" ", 2)[1].replaceFirst(/ -> .*/, "") }
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

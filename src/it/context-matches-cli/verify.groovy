import io.github.shipmaven.it.ItSupport

def log = new File(basedir, "build.log").text
assert log.contains("BUILD SUCCESS")
assert log.contains("Build context: ")

// The same context, sent by the docker CLI.
ItSupport.run(basedir, "docker", "build", "-q", "-t", "it/context-matches-cli:cli", ".")
def plugin = ItSupport.imageFiles("${registry}/it/context-matches-cli:plugin")
def cli = ItSupport.imageFiles("it/context-matches-cli:cli")
assert plugin == cli : "plugin and CLI contexts differ:\nonly plugin: ${plugin - cli}\nonly CLI: ${cli - plugin}"

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

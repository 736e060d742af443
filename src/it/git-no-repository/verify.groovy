def log = new File(basedir, "build.log").text
assert log.contains("Not a git repository: ${basedir.canonicalPath}") || log.contains("Not a git repository: ${basedir.absolutePath}")
assert log.contains("(nor any parent)")
return true

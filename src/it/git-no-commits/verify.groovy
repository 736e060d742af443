def log = new File(basedir, "build.log").text
assert log.contains("has no commits yet: commit first")
return true

import io.github.shipmaven.it.ItSupport
ItSupport.gitInit(basedir)
// The containers a failed RUN of this IT's failing.Dockerfile left (none, unless an older plugin ran
// it): run 2 must add none.
new File(basedir, "failed-containers-before.txt").text = String.valueOf(
    ItSupport.run(basedir, "docker", "ps", "-a", "--no-trunc", "--format", "{{.Command}}")
        .readLines().count { it.contains("echo about to fail && false") })
return true

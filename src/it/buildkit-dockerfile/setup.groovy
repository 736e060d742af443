import io.github.shipmaven.it.ItSupport

// New in every run: the cache mount outlives the run, so only lines with this nonce count.
new File(basedir, "src/main/resources/nonce.txt").text = UUID.randomUUID().toString() + "\n"
new File(basedir, "mvnw").setExecutable(true, false)
new File(basedir, "run.sh").setExecutable(true, false)
ItSupport.gitInit(basedir)
return true

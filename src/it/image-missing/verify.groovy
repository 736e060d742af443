def log = new File(basedir, "build.log").text
assert log =~ /(?m)^\[ERROR\] Failed to execute goal .*:build \(default\) on project image-missing: <image> \(ship\.image\) is not set: set it to the image repository without a tag, e\.g\. <image>docker\.io\/team\/app<\/image> in the plugin's <configuration>, or -Dship\.image=docker\.io\/team\/app\. -> \[Help 1\]$/
assert !log.contains("missing or invalid")
assert !log.contains("Builder:") : "something was built"
assert log.contains("[INFO] Skipping ship:build (ship.skip).")
assert log.count("BUILD FAILURE") == 1
assert log.count("BUILD SUCCESS") == 1
return true

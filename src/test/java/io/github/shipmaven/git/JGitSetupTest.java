package io.github.shipmaven.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.shipmaven.bench.GitStepBench;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JGitSetupTest {
  @TempDir Path dir;

  @Test
  void systemConfigIsWhereGitsBuildPutsIt() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("opt/git/bin"));
    Path git = Files.writeString(bin.resolve("git"), "#!/bin/sh\n");
    git.toFile().setExecutable(true);
    Path empty = Files.createDirectories(dir.resolve("empty"));

    assertThat(JGitSetup.systemConfig(Map.of("PATH", empty + File.pathSeparator + bin)))
        .contains(dir.resolve("opt/git/etc/gitconfig").toFile());
    assertThat(JGitSetup.systemConfig(Map.of("PATH", empty.toString())))
        .contains(new File("/etc/gitconfig"));
    assertThat(JGitSetup.systemConfig(Map.of("GIT_CONFIG_SYSTEM", "/x/gitconfig", "PATH", "")))
        .contains(new File("/x/gitconfig"));
    assertThat(JGitSetup.systemConfig(Map.of())).isEmpty();
  }

  @Test
  void aFreshJvmAndHomeCostNoFileSystemMeasurementNorMessageBundle() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    TestRepository.committed(repo, Map.of("a.txt", "a"));
    Path home = Files.createDirectories(dir.resolve("home"));
    // A fresh JVM and home, as on a new CI machine: JGit would spend ~3 s measuring the file
    // system's timestamp resolution and record it in ~/.config/jgit/config.
    ProcessBuilder java =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Duser.home=" + home,
                    "-Xlog:class+load=info:stdout",
                    "-cp",
                    System.getProperty("java.class.path"),
                    GitStepBench.class.getName(),
                    repo.toString(),
                    "1"))
            .redirectErrorStream(true);
    java.environment().remove("XDG_CONFIG_HOME");
    Process process = java.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("branch main, dirty false");
    assertThat(home.resolve(".config/jgit/config")).doesNotExist();
    // Registering JGit's shutdown hook would have loaded its message bundle.
    assertThat(output).contains("org.eclipse.jgit.lib.Repository ");
    assertThat(output).doesNotContain("org.eclipse.jgit.internal.JGitText ");
  }
}

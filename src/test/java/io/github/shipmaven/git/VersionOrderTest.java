package io.github.shipmaven.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tag {@code {gitTag}} takes against git's own order: {@code git tag --sort=v:refname}. */
class VersionOrderTest {
  private static final List<String> TAGS =
      List.of(
          "v1.9.0",
          "v1.10.0",
          "v1.10.0-rc1",
          "v1.10.0-rc2",
          "v1.10.0-beta1",
          "v1.10.0.1",
          "v2.0",
          "v2.0.0",
          "1.0",
          "1.00",
          "1.01",
          "1.001",
          "1.9",
          "09",
          "0.9",
          "release/1.0",
          "release/1.10",
          "app@1.2.3",
          "app@1.12.0",
          "v1.0+build",
          "v1.0+build.2",
          "foo1.6",
          "foo1.6-RC1",
          "foo1.6-beta1",
          "caf\u00e9-2",
          "caf\u00e9-10");

  @TempDir Path dir;

  @BeforeEach
  void taggedRepository() throws Exception {
    git("init", "-q", "-b", "main");
    Files.writeString(dir.resolve("a.txt"), "a");
    git("add", "a.txt");
    git("commit", "-q", "-m", "first");
    for (String tag : TAGS) {
      git("tag", tag);
    }
  }

  @Test
  void ordersAsGitDoes() throws Exception {
    assertThat(sorted(List.of())).isEqualTo(gitOrder());
  }

  @Test
  void ordersPrereleaseSuffixesAsGitDoes() throws Exception {
    git("config", "versionsort.suffix", "-beta");
    git("config", "--add", "versionsort.suffix", "-rc");
    git("config", "--add", "versionsort.suffix", "-RC");
    assertThat(sorted(List.of("-beta", "-rc", "-RC"))).isEqualTo(gitOrder());
  }

  @Test
  void gitTagIsTheHighestVersionAtHead() throws Exception {
    assertThat(new GitReader(Map.of()).read(dir).gitTag()).isEqualTo(last(gitOrder()));
    git("config", "versionsort.suffix", "-rc");
    assertThat(new GitReader(Map.of()).read(dir).gitTag()).isEqualTo(last(gitOrder()));
    // two tags, the lexicographically last is not the highest
    for (String tag : TAGS) {
      if (!tag.equals("v1.9.0") && !tag.equals("v1.10.0")) {
        git("tag", "-d", tag);
      }
    }
    assertThat(new GitReader(Map.of()).read(dir).gitTag()).isEqualTo("v1.10.0");
  }

  private static String last(List<String> tags) {
    return tags.get(tags.size() - 1);
  }

  private static List<String> sorted(List<String> suffixes) {
    List<String> refs = new ArrayList<>(TAGS.stream().map(t -> "refs/tags/" + t).toList());
    refs.sort(new VersionOrder(suffixes));
    return refs.stream().map(r -> r.substring("refs/tags/".length())).toList();
  }

  private List<String> gitOrder() throws Exception {
    return Arrays.asList(git("tag", "--sort=v:refname", "--points-at", "HEAD").split("\n"));
  }

  private String git(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=t"));
    command.addAll(List.of("-c", "user.email=t@example.invalid", "-c", "commit.gpgSign=false"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
    builder.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
    Process process = builder.redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as("git %s: %s", String.join(" ", args), out).isZero();
    return out;
  }
}

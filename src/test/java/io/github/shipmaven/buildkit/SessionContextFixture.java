package io.github.shipmaven.buildkit;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The contexts whose DiffCopy exchanges with a real daemon are recorded in {@code
 * src/test/resources/daemon-streams/docker-*}/filesync-*.json: made byte for byte, mode for mode
 * and time for time the same wherever they are made, so the stats sent are the same.
 */
final class SessionContextFixture {
  static final Instant TIME = Instant.parse("2024-01-02T03:04:05.123456789Z");
  static final Instant OLD = Instant.parse("1960-06-01T00:00:00Z");

  /**
   * Scenarios: the Dockerfile of each. The two {@code -not-utf8} ones add {@code docs/} with a name
   * that is not UTF-8: a file {@code docs/bad\377name}, or a symlink {@code docs/link} to {@code
   * gone\377} (which Docker 28.5's BuildKit refuses and 20.10's takes).
   */
  static final Map<String, String> DOCKERFILES =
      Map.of(
          "copy-src", "FROM local/busybox:1\nCOPY src/ /app/\n",
          "copy-all", "FROM local/busybox:1\nCOPY . /ctx/\n",
          "copy-all-rebuilt", "FROM local/busybox:1\nCOPY . /ctx/\n",
          "name-not-utf8", "FROM local/busybox:1\nCOPY docs /www/docs\n",
          "link-not-utf8", "FROM local/busybox:1\nCOPY docs /www/docs\n");

  private SessionContextFixture() {}

  /** Makes scenario {@code name} in {@code dir} (which must be empty or absent). */
  static Path create(Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    write(dir, "Dockerfile", DOCKERFILES.get(name), 0644);
    write(
        dir,
        ".dockerignore",
        "# comment\n*.log\n!keep/*.log\n**/secret\nlogs\n!logs/keep.log\ndata.bin.tmp\n",
        0644);
    write(dir, "src/Main.java", "class Main {}\n", 0644);
    write(dir, "src/app.log", "log\n", 0644);
    write(
        dir,
        "src/util/Text.java",
        name.equals("copy-all-rebuilt") ? "class Text { int changed; }\n" : "class Text {}\n",
        0644);
    write(dir, "keep/a.log", "kept\n", 0644);
    write(dir, "logs/keep.log", "kept too\n", 0644);
    write(dir, "logs/other.txt", "left out\n", 0644);
    write(dir, "deep/x/secret", "hidden\n", 0600);
    write(dir, "café.txt", "non-ASCII name\n", 0644);
    write(dir, "bin/run.sh", "#!/bin/sh\necho run\n", 04755);
    write(dir, "old.txt", "from 1960\n", 0644);
    byte[] data = new byte[100_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31 + 7);
    }
    Files.write(dir.resolve("data.bin"), data);
    mode(dir.resolve("data.bin"), 0644);
    write(dir, "hard1.txt", "one inode, two names\n", 0644);
    Files.createLink(dir.resolve("hard2.txt"), dir.resolve("hard1.txt"));
    Files.createSymbolicLink(dir.resolve("link"), Path.of("src/Main.java"));
    Files.createDirectories(dir.resolve("empty"));
    Files.createDirectories(dir.resolve("shared"));
    mode(dir.resolve("shared"), 01777);
    mode(dir.resolve("empty"), 0755);
    if (name.endsWith("-not-utf8")) {
      write(dir, "docs/ok.txt", "fine\n", 0644);
      // Java cannot spell such a name (its paths are text): the shell makes it.
      sh(
          dir.resolve("docs"),
          name.equals("name-not-utf8")
              ? "printf x > \"$(printf 'bad\\377name')\" && chmod 644 \"$(printf 'bad\\377name')\""
              : "ln -s \"$(printf 'gone\\377')\" link");
    }
    // Times last, deepest first: writing a child changes its directory's time.
    List<Path> all;
    try (Stream<Path> walk = Files.walk(dir)) {
      all = walk.sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList();
    }
    for (Path path : all) {
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) && !path.equals(dir)) {
        mode(path, path.endsWith("shared") ? 01777 : 0755);
      }
      Instant time = path.endsWith("old.txt") ? OLD : TIME;
      Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setTimes(FileTime.from(time), null, null);
    }
    return dir;
  }

  private static void sh(Path dir, String script) throws IOException {
    try {
      Process sh = new ProcessBuilder("sh", "-c", script).directory(dir.toFile()).start();
      if (sh.waitFor() != 0) {
        throw new IOException(
            script + " failed: " + new String(sh.getErrorStream().readAllBytes(), UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static void write(Path dir, String name, String text, int mode) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    mode(file, mode);
  }

  /** chmod, special bits included (NIO's permissions have none). */
  static void mode(Path path, int mode) throws IOException {
    Files.setAttribute(path, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
  }
}

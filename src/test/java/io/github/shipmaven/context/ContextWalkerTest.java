package io.github.shipmaven.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one walk of a context that the tar upload and BuildKit's file sync share. */
class ContextWalkerTest {
  @TempDir Path dir;

  List<ContextEntry> walk(DockerIgnore excludes, List<String> includes, boolean parents)
      throws IOException {
    List<ContextEntry> entries = new ArrayList<>();
    ContextWalker.walk(dir, excludes, includes, parents, entries::add);
    return entries;
  }

  static List<String> paths(List<ContextEntry> entries) {
    return entries.stream().map(ContextEntry::path).toList();
  }

  void file(String name) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, name);
  }

  @Test
  void preOrderWithNamesInByteOrder() throws IOException {
    file("b.txt");
    file("a/z.txt");
    file("a.txt");
    file("\u00e9.txt"); // UTF-8 C3 A9: after every ASCII name
    file("Z.txt");
    assertThat(paths(walk(DockerIgnore.of(List.of()), null, true)))
        .containsExactly("Z.txt", "a", "a/z.txt", "a.txt", "b.txt", "\u00e9.txt");
  }

  @Test
  void specialBitsTimesAndHardLinksAreKept() throws IOException {
    file("run.sh");
    Files.setAttribute(dir.resolve("run.sh"), "unix:mode", 04755);
    Files.createDirectories(dir.resolve("shared"));
    Files.setAttribute(dir.resolve("shared"), "unix:mode", 01777);
    Files.createDirectories(dir.resolve("group"));
    Files.setAttribute(dir.resolve("group"), "unix:mode", 02775);
    file("old.txt");
    Files.setLastModifiedTime(
        dir.resolve("old.txt"), FileTime.from(Instant.parse("1960-06-01T00:00:00Z")));
    file("first.txt");
    Files.createLink(dir.resolve("second.txt"), dir.resolve("first.txt"));
    Files.createSymbolicLink(dir.resolve("link"), Path.of("first.txt"));

    List<ContextEntry> entries = walk(DockerIgnore.of(List.of()), null, false);

    ContextEntry run = entry(entries, "run.sh");
    assertThat(run.goMode()).isEqualTo(1 << 23 | 0755);
    assertThat(run.tarMode()).isEqualTo(0104755);
    ContextEntry shared = entry(entries, "shared");
    assertThat(shared.goMode()).isEqualTo(1 << 31 | 1 << 20 | 0777);
    assertThat(shared.tarMode()).isEqualTo(041777);
    assertThat(entry(entries, "group").goMode()).isEqualTo(1 << 31 | 1 << 22 | 0775);
    ContextEntry old = entry(entries, "old.txt");
    assertThat(old.modifiedSeconds()).isEqualTo(-302486400L);
    assertThat(old.modifiedUnixNanos()).isEqualTo(-302486400L * 1_000_000_000L);
    ContextEntry second = entry(entries, "second.txt");
    assertThat(second.kind()).isEqualTo(ContextEntry.Kind.HARDLINK);
    assertThat(second.linkTarget()).isEqualTo("first.txt");
    assertThat(second.size()).isZero();
    assertThat(entry(entries, "first.txt").kind()).isEqualTo(ContextEntry.Kind.FILE);
    ContextEntry link = entry(entries, "link");
    assertThat(link.kind()).isEqualTo(ContextEntry.Kind.SYMLINK);
    assertThat(link.goMode() & (1 << 27)).isNotZero();
    assertThat(link.size()).isEqualTo("first.txt".length());
  }

  @Test
  void theTarKeepsThemAsTheCliWritesThem() throws IOException {
    file("Dockerfile");
    file("run.sh");
    Files.setAttribute(dir.resolve("run.sh"), "unix:mode", 04755);
    Files.createDirectories(dir.resolve("shared"));
    Files.setAttribute(dir.resolve("shared"), "unix:mode", 01777);
    file("old.txt");
    Files.setLastModifiedTime(
        dir.resolve("old.txt"), FileTime.from(Instant.parse("1960-06-01T00:00:00Z")));
    file("far.txt");
    Files.setLastModifiedTime(
        dir.resolve("far.txt"), FileTime.from(Instant.parse("2250-06-01T00:00:00Z")));
    file("first.txt");
    Files.createLink(dir.resolve("second.txt"), dir.resolve("first.txt"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BuildContext.of(dir, dir.resolve("Dockerfile")).write(out);

    List<String> entries = new ArrayList<>();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        entries.add(
            Integer.toOctalString(e.getMode())
                + " "
                + e.getName()
                + (e.isLink() ? " => " + e.getLinkName() : "")
                + " @"
                + Math.floorDiv(e.getModTime().getTime(), 1000));
      }
    }
    assertThat(entries)
        .contains(
            "104755 run.sh @" + seconds("run.sh"),
            "41777 shared/ @" + seconds("shared"),
            "100644 old.txt @-302486400",
            "100644 far.txt @" + Instant.parse("2250-06-01T00:00:00Z").getEpochSecond(),
            "100644 second.txt => first.txt @" + seconds("second.txt"));
  }

  long seconds(String name) throws IOException {
    return Files.getLastModifiedTime(dir.resolve(name), LinkOption.NOFOLLOW_LINKS)
        .toInstant()
        .getEpochSecond();
  }

  @Test
  void anExcludedDirectoryIsSentOnlyBeforeWhatAnExceptionBringsBack() throws IOException {
    file("logs/keep.log");
    file("logs/other.txt");
    file("cache/x.txt");
    DockerIgnore ignore = DockerIgnore.of(List.of("logs", "!logs/keep.log", "cache", "!cache/y"));
    assertThat(paths(walk(ignore, null, true))).containsExactly("logs", "logs/keep.log");
    // The upload leaves such directories out, as the CLI's tar does.
    assertThat(paths(walk(ignore, null, false))).containsExactly("logs/keep.log");
  }

  @Test
  void includesTakeMatchesWithWhatIsBelowAndTheirParents() throws IOException {
    file("src/main/A.java");
    file("src/test/B.java");
    file("data.bin");
    file("Dockerfile");
    assertThat(paths(walk(DockerIgnore.of(List.of()), List.of("src/main"), true)))
        .containsExactly("src", "src/main", "src/main/A.java");
    assertThat(paths(walk(DockerIgnore.of(List.of()), List.of("Dock*", "nothing"), true)))
        .containsExactly("Dockerfile");
    assertThat(paths(walk(DockerIgnore.of(List.of()), List.of("."), true)))
        .contains("data.bin", "src/test/B.java");
  }

  @Test
  void namesAreTheFileSystemsBytesWhateverTheJvmDecodesThemTo() throws Exception {
    Process touch =
        new ProcessBuilder(
                "sh", "-c", "mkdir d && touch \"d/$(printf 'bad\\377name')\" caf\u00e9.txt")
            .directory(dir.toFile())
            .start();
    assertThat(touch.waitFor()).isZero();
    Files.createSymbolicLink(dir.resolve("link"), Path.of("caf\u00e9.txt"));

    List<ContextEntry> entries = walk(DockerIgnore.of(List.of()), null, true);

    assertThat(entries.stream().map(e -> new String(e.rawPath(), StandardCharsets.ISO_8859_1)))
        .containsExactly("caf\u00c3\u00a9.txt", "d", "d/bad\u00ffname", "link");
    ContextEntry bad = entries.get(2);
    assertThat(Files.readAllBytes(bad.file())).isEmpty(); // the path opens the right file
    assertThat(entry(entries, "link").rawLinkTarget())
        .isEqualTo("caf\u00e9.txt".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theTarSendsANameThatIsNotUtf8AsItsBytes() throws Exception {
    file("Dockerfile");
    Process touch =
        new ProcessBuilder("sh", "-c", "touch \"$(printf 'bad\\377name')\"")
            .directory(dir.toFile())
            .start();
    assertThat(touch.waitFor()).isZero();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BuildContext.of(dir, dir.resolve("Dockerfile")).write(out);
    // Go reads a PAX path as bytes (commons-compress would decode it as UTF-8): look for them.
    String archive = new String(out.toByteArray(), StandardCharsets.ISO_8859_1);
    assertThat(archive).contains(" path=bad\u00ffname\n");
  }

  static ContextEntry entry(List<ContextEntry> entries, String path) {
    return entries.stream().filter(e -> e.path().equals(path)).findFirst().orElseThrow();
  }
}

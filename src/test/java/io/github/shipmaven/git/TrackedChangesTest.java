package io.github.shipmaven.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.shipmaven.core.ShipException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin's answer against git's own, on repositories made by the git CLI: every test also asks
 * {@code git status} and expects the same paths.
 */
class TrackedChangesTest {
  /** Old enough that no entry is racily clean unless a test makes it so. */
  private static final Instant WRITTEN = Instant.parse("2024-05-01T10:00:00.123456789Z");

  @TempDir Path dir;

  @BeforeEach
  void committedRepository() throws Exception {
    git("init", "-q", "-b", "main");
    write("a.txt", "aaaa");
    write("src/b.txt", "bbbb");
    Files.createSymbolicLink(dir.resolve("link"), Path.of("a.txt"));
    git("add", "-A");
    git("commit", "-q", "-m", "first");
  }

  @Test
  void aSameSizeEditWithItsMtimeRestoredIsDirty() throws Exception {
    Path a = dir.resolve("a.txt");
    FileTime mtime = Files.getLastModifiedTime(a);
    aSecondLater();
    Files.writeString(a, "AAAA"); // same inode, same size; only ctime shows the write
    Files.setLastModifiedTime(a, mtime);
    assertThat(changedPaths()).containsExactly("a.txt");
    assertThat(gitStatus()).containsExactly("a.txt");
  }

  @Test
  void aTrackedFileInAnIgnoredDirectoryIsComparedToo() throws Exception {
    write(".gitignore", "build/\n");
    write("build/kept.txt", "kkkk");
    git("add", "-f", ".gitignore", "build/kept.txt");
    git("commit", "-q", "-m", "kept");
    Path kept = dir.resolve("build/kept.txt");
    aSecondLater();
    Files.writeString(kept, "KKKK");
    Files.setLastModifiedTime(kept, FileTime.from(WRITTEN));
    assertThat(changedPaths()).containsExactly("build/kept.txt");
    assertThat(gitStatus()).containsExactly("build/kept.txt");
  }

  @Test
  void anInvalidSettingNamesItself() throws Exception {
    git("config", "core.trustctime", "maybe");
    assertThatThrownBy(this::changedPaths)
        .isInstanceOf(ShipException.class)
        .hasMessageContaining("trustctime")
        .hasMessageContaining("maybe");
  }

  @Test
  void anUntouchedCheckoutIsClean() throws Exception {
    assertThat(changedPaths()).isEmpty();
    assertThat(gitStatus()).isEmpty();
  }

  @Test
  void aTouchedFileWithItsContentUnchangedIsClean() throws Exception {
    Files.setLastModifiedTime(dir.resolve("a.txt"), FileTime.from(Instant.now()));
    Files.setLastModifiedTime(dir.resolve("src/b.txt"), FileTime.from(WRITTEN.plusSeconds(60)));
    assertThat(changedPaths()).isEmpty();
    assertThat(gitStatus()).isEmpty();
  }

  @Test
  void aRewriteWithTheSameContentIsClean() throws Exception {
    Path a = dir.resolve("a.txt");
    Files.delete(a);
    write("a.txt", "aaaa"); // a new inode
    assertThat(changedPaths()).isEmpty();
    assertThat(gitStatus()).isEmpty();
  }

  @Test
  void aCopiedCheckoutIsClean() throws Exception {
    Path copy = Files.createDirectory(dir.resolve("copy"));
    ProcessBuilder cp =
        new ProcessBuilder("cp", "-a", ".git", "a.txt", "src", "link", copy.toString());
    assertThat(cp.directory(dir.toFile()).inheritIO().start().waitFor()).isZero();
    // new inodes and ctimes: every file is compared by content
    assertThat(new GitReader(Map.of()).read(copy).changedPaths()).isEmpty();
  }

  @Test
  void hashesAFileAsGitDoes() throws Exception {
    byte[] large = new byte[200_000];
    new Random(7).nextBytes(large);
    Files.write(dir.resolve("large.bin"), large);
    ObjectId id = ObjectId.fromString(git("hash-object", "large.bin").trim());
    assertThat(WorkTreeChanges.isBlob(dir.resolve("large.bin"), large.length, id)).isTrue();
    large[199_999]++;
    Files.write(dir.resolve("large.bin"), large);
    assertThat(WorkTreeChanges.isBlob(dir.resolve("large.bin"), large.length, id)).isFalse();
    ObjectId a = ObjectId.fromString(git("hash-object", "a.txt").trim());
    assertThat(WorkTreeChanges.isBlob(dir.resolve("a.txt"), 4, a)).isTrue();
  }

  @Test
  void lineEndingsConvertedOnCheckInAreNoChange() throws Exception {
    git("config", "core.autocrlf", "true");
    write("crlf.txt", "one\r\ntwo\r\n");
    git("add", "crlf.txt"); // stored as "one\ntwo\n"
    git("commit", "-q", "-m", "crlf");
    Path crlf = dir.resolve("crlf.txt");
    Files.setLastModifiedTime(crlf, FileTime.from(WRITTEN.plusSeconds(1)));
    assertThat(changedPaths()).isEmpty();
    assertThat(gitStatus()).isEmpty();
    Files.writeString(crlf, "one\r\nTWO\r\n");
    assertThat(changedPaths()).containsExactly("crlf.txt");
    assertThat(gitStatus()).containsExactly("crlf.txt");
  }

  @Test
  void anExecutableBitIsAChange() throws Exception {
    Files.setPosixFilePermissions(
        dir.resolve("a.txt"), PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(changedPaths()).containsExactly("a.txt");
    assertThat(gitStatus()).containsExactly("a.txt");
  }

  @Test
  void anExecutableBitIsNoChangeWithoutFileMode() throws Exception {
    git("config", "core.fileMode", "false");
    Files.setPosixFilePermissions(
        dir.resolve("a.txt"), PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(changedPaths()).isEmpty();
    assertThat(gitStatus()).isEmpty();
  }

  @Test
  void aModeChangedAndBackChangesOnlyCtime() throws Exception {
    git("config", "core.trustctime", "false");
    Path a = dir.resolve("a.txt");
    Files.setPosixFilePermissions(a, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(a, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(changedPaths()).isEmpty();
    assertThat(gitStatus()).isEmpty();
  }

  @Test
  void withoutTrustCtimeAnEditOnlyCtimeShowsGoesUnseenAsInGit() throws Exception {
    git("config", "core.trustctime", "false");
    Path a = dir.resolve("a.txt");
    FileTime mtime = Files.getLastModifiedTime(a);
    Files.writeString(a, "AAAA");
    Files.setLastModifiedTime(a, mtime);
    // The setting's promise: ctime is not looked at, so the edit is unseen, by git too.
    assertThat(changedPaths()).isEmpty();
    assertThat(gitStatus()).isEmpty();
  }

  @Test
  void checkStatMinimalComparesWholeSecondsAndSizeOnly() throws Exception {
    git("config", "core.checkStat", "minimal");
    Path a = dir.resolve("a.txt");
    Files.writeString(a, "AAAA");
    // Same second, other nanoseconds: unseen by a minimal check, by git too.
    Files.setLastModifiedTime(a, FileTime.from(WRITTEN.plusNanos(1_000)));
    assertThat(changedPaths()).isEmpty();
    assertThat(gitStatus()).isEmpty();
    Files.setLastModifiedTime(a, FileTime.from(WRITTEN.plusSeconds(1)));
    assertThat(changedPaths()).containsExactly("a.txt");
    assertThat(gitStatus()).containsExactly("a.txt");
  }

  @Test
  void aSizeChangeIsAChangeUnderAMinimalCheck() throws Exception {
    git("config", "core.checkStat", "minimal");
    Path b = dir.resolve("src/b.txt");
    Files.writeString(b, "bbbbb");
    Files.setLastModifiedTime(b, FileTime.from(WRITTEN));
    assertThat(changedPaths()).containsExactly("src/b.txt");
    assertThat(gitStatus()).containsExactly("src/b.txt");
  }

  @Test
  void aRacilyCleanFileEditedInTheSameSecondIsDirty() throws Exception {
    // Only whole-second mtime and size are compared, as on file systems without finer times:
    // the index written in the file's own second is all that shows the file may have changed.
    git("config", "core.checkStat", "minimal");
    Path a = dir.resolve("a.txt");
    Files.setLastModifiedTime(dir.resolve(".git/index"), FileTime.from(WRITTEN.plusMillis(500)));
    assertThat(changedPaths()).isEmpty();
    Files.writeString(a, "AAAA");
    Files.setLastModifiedTime(a, FileTime.from(WRITTEN.plusMillis(700)));
    assertThat(changedPaths()).containsExactly("a.txt");
    assertThat(gitStatus()).containsExactly("a.txt");
  }

  @Test
  void aRetargetedSymlinkIsAChange() throws Exception {
    Path link = dir.resolve("link");
    Files.delete(link);
    Files.createSymbolicLink(link, Path.of("b.txt")); // same length as "a.txt"
    assertThat(changedPaths()).containsExactly("link");
    assertThat(gitStatus()).containsExactly("link");
  }

  @Test
  void deletedAndAnnouncedFilesAreChanges() throws Exception {
    Files.delete(dir.resolve("src/b.txt"));
    write("new.txt", "n");
    git("add", "-N", "new.txt");
    assertThat(changedPaths()).containsExactly("new.txt", "src/b.txt");
    assertThat(gitStatus()).containsExactly("new.txt", "src/b.txt");
  }

  @Test
  void skipWorktreeEntriesAreNotLookedAt() throws Exception {
    git("update-index", "--skip-worktree", "src/b.txt"); // an extended flag: index version 3
    Files.writeString(dir.resolve("src/b.txt"), "changed");
    assertThat(changedPaths()).isEmpty();
    assertThat(gitStatus()).isEmpty();
  }

  @Test
  void readsIndexVersion4() throws Exception {
    git("update-index", "--index-version", "4");
    assertThat(changedPaths()).isEmpty();
    Path b = dir.resolve("src/b.txt");
    FileTime mtime = Files.getLastModifiedTime(b);
    aSecondLater();
    Files.writeString(b, "BBBB");
    Files.setLastModifiedTime(b, mtime);
    assertThat(changedPaths()).containsExactly("src/b.txt");
    assertThat(gitStatus()).containsExactly("src/b.txt");
  }

  @Test
  void readsEveryStatFieldGitRecords() throws Exception {
    for (String version : List.of("2", "3", "4")) {
      git("update-index", "--index-version", version);
      IndexFile index = IndexFile.read(dir.resolve(".git/index"));
      assertThat(index.treeId().name()).isEqualTo(git("rev-parse", "HEAD^{tree}").trim());
      List<IndexFile.Entry> entries = index.entries();
      assertThat(entries)
          .extracting(IndexFile.Entry::path)
          .containsExactly("a.txt", "link", "src/b.txt");
      // git ls-files --debug prints each entry's stat data as the index holds it
      assertThat(debugLines(entries)).isEqualTo(git("ls-files", "--debug"));
    }
  }

  @Test
  void readsPathsTooLongForTheFlags() throws Exception {
    // 0xFFF bytes or more: the flags cannot hold the length, the path ends at its NUL
    String deep = ("d".repeat(250) + "/").repeat(17) + "f.txt";
    String blob = git("hash-object", "a.txt").trim();
    git("update-index", "--add", "--cacheinfo", "100644," + blob + "," + deep);
    for (String version : List.of("2", "4")) {
      git("update-index", "--index-version", version);
      assertThat(IndexFile.read(dir.resolve(".git/index")).entries())
          .extracting(IndexFile.Entry::path)
          .containsExactly("a.txt", deep, "link", "src/b.txt");
    }
  }

  @Test
  void aSplitIndexIsOneClearLine() throws Exception {
    git("update-index", "--split-index");
    write("new.txt", "n");
    git("add", "new.txt"); // in the index file; a.txt and the others only in the shared index
    assertThatThrownBy(this::changedPaths)
        .isInstanceOf(ShipException.class)
        .hasMessageContaining("is a split index")
        .hasMessageContaining("git update-index --no-split-index");
    git("update-index", "--no-split-index");
    assertThat(changedPaths()).containsExactly("new.txt");
    assertThat(gitStatus()).containsExactly("new.txt");
  }

  @Test
  void aTruncatedIndexIsAnErrorNotAnAnswer() throws Exception {
    byte[] index = Files.readAllBytes(dir.resolve(".git/index"));
    Path truncated = dir.resolve("truncated-index");
    Files.write(truncated, Arrays.copyOf(index, 100));
    assertThatThrownBy(() -> IndexFile.read(truncated))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("ends inside an entry");
  }

  @Test
  void aNameThatIsNotUtf8IsFoundSoACleanTreeStaysClean() throws Exception {
    sh("printf x > \"$(printf 'bad\\377name')\"");
    git("add", "-A");
    git("commit", "-q", "-m", "latin-1 name");
    IndexFile index = IndexFile.read(dir.resolve(".git/index"));
    assertThat(index.entries()).anyMatch(e -> !e.utf8());
    assertThat(changedPaths()).isEmpty();
    assertThat(gitStatus()).isEmpty();
    // new inodes and ctimes: every file, this one too, is compared by its content
    Files.setLastModifiedTime(dir.resolve(".git/index"), FileTime.from(WRITTEN));
    sh("touch \"$(printf 'bad\\377name')\"");
    assertThat(changedPaths()).isEmpty();
    sh("printf y > \"$(printf 'bad\\377name')\"");
    assertThat(changedPaths()).singleElement().asString().startsWith("bad").endsWith("name");
    assertThat(gitStatus()).hasSize(1);
  }

  @Test
  void aNonAsciiNameIsComparedByItsBytes() throws Exception {
    write("caf\u00e9.txt", "cccc");
    git("add", "-A");
    git("commit", "-q", "-m", "accent");
    assertThat(changedPaths()).isEmpty();
    assertThat(gitStatus()).isEmpty();
    Path cafe = dir.resolve("caf\u00e9.txt");
    FileTime mtime = Files.getLastModifiedTime(cafe);
    aSecondLater();
    Files.writeString(cafe, "CCCC");
    Files.setLastModifiedTime(cafe, mtime);
    assertThat(changedPaths()).containsExactly("caf\u00e9.txt");
    assertThat(gitStatus()).hasSize(1);
  }

  @Test
  void underTheCLocaleANonAsciiNameIsFoundToo() throws Exception {
    write("caf\u00e9.txt", "cccc");
    write("na\u00efve/r\u00e9sum\u00e9.txt", "rrrr");
    git("add", "-A");
    git("commit", "-q", "-m", "accents");
    // The JVM's file name encoding follows the locale: ASCII under LANG=C, in a JVM of its own.
    assertThat(changedPathsUnderTheCLocale()).isEqualTo("ANSI_X3.4-1968 []");
    Files.writeString(dir.resolve("caf\u00e9.txt"), "changed");
    assertThat(changedPathsUnderTheCLocale()).isEqualTo("ANSI_X3.4-1968 [caf\u00e9.txt]");
    assertThat(gitStatus()).hasSize(1);
  }

  @Test
  void aSparseIndexGetsGitsAnswer() throws Exception {
    write("docs/d.txt", "dddd");
    write("docs/deep/e.txt", "eeee");
    git("add", "-A");
    git("commit", "-q", "-m", "docs");
    git("sparse-checkout", "init", "--cone", "--sparse-index");
    git("sparse-checkout", "set", "src");
    assertThat(IndexFile.read(dir.resolve(".git/index")).sparse()).isTrue();
    assertThat(changedPaths()).isEmpty();
    assertThat(gitStatus()).isEmpty();

    Files.writeString(dir.resolve("src/b.txt"), "changed");
    assertThat(changedPaths()).containsExactly("src/b.txt");
    assertThat(gitStatus()).containsExactly("src/b.txt");

    git("add", "src/b.txt"); // staged: the index no longer matches HEAD's tree
    write("src/new.txt", "nnnn");
    git("add", "src/new.txt");
    Files.delete(dir.resolve("a.txt"));
    assertThat(IndexFile.read(dir.resolve(".git/index")).sparse()).isTrue();
    assertThat(changedPaths()).containsExactly("a.txt", "src/b.txt", "src/new.txt");
    assertThat(gitStatus()).containsExactly("a.txt", "src/b.txt", "src/new.txt");
  }

  @Test
  void aSparseDirectoryWhoseTreeChangedListsItsPaths() throws Exception {
    write("docs/d.txt", "dddd");
    git("add", "-A");
    git("commit", "-q", "-m", "docs");
    git("sparse-checkout", "init", "--cone", "--sparse-index");
    git("sparse-checkout", "set", "src");
    // A commit made elsewhere changes docs/ in HEAD; the index keeps the old sparse directory.
    String tree = git("rev-parse", "HEAD^{tree}").trim();
    String blob = git("hash-object", "-w", "src/b.txt").trim();
    String docs = git("rev-parse", "HEAD:docs").trim();
    String newDocs = mktree("100644 blob " + blob + "\td.txt\n");
    String root = mktree(git("ls-tree", tree).replace(docs, newDocs));
    String commit = git("commit-tree", root, "-p", "HEAD", "-m", "docs elsewhere").trim();
    git("update-ref", "HEAD", commit);
    assertThat(IndexFile.read(dir.resolve(".git/index")).sparse()).isTrue();
    assertThat(changedPaths()).containsExactly("docs/d.txt");
    assertThat(gitStatus()).containsExactly("docs/d.txt");
  }

  private String mktree(String listing) throws Exception {
    Path input = dir.resolve(".git/mktree-input");
    Files.writeString(input, listing);
    try {
      Process process =
          new ProcessBuilder("git", "mktree", "--missing")
              .directory(dir.toFile())
              .redirectInput(input.toFile())
              .start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor()).isZero();
      return out.trim();
    } finally {
      Files.delete(input);
    }
  }

  private static String debugLines(List<IndexFile.Entry> entries) {
    StringBuilder out = new StringBuilder();
    for (IndexFile.Entry e : entries) {
      IndexFile.StatData s = e.stat();
      out.append(e.path()).append('\n');
      out.append("  ctime: ")
          .append(s.ctimeSeconds())
          .append(':')
          .append(s.ctimeNanos())
          .append('\n');
      out.append("  mtime: ")
          .append(s.mtimeSeconds())
          .append(':')
          .append(s.mtimeNanos())
          .append('\n');
      out.append("  dev: ")
          .append(Integer.toUnsignedString(s.dev()))
          .append("\tino: ")
          .append(Integer.toUnsignedString(s.ino()))
          .append('\n');
      out.append("  uid: ").append(s.uid()).append("\tgid: ").append(s.gid()).append('\n');
      out.append("  size: ").append(s.size()).append("\tflags: 0\n");
    }
    return out.toString();
  }

  /**
   * Waits for the clock's next second: git compares whole seconds of ctime (nanoseconds only when
   * built with USE_NSEC, as Debian's git is not), so a change within the second git recorded the
   * file in is one git itself does not see.
   */
  private static void aSecondLater() throws InterruptedException {
    Instant now = Instant.now();
    Thread.sleep(1_000 - now.getNano() / 1_000_000 + 20);
  }

  private void write(String path, String content) throws Exception {
    Path file = dir.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    Files.setLastModifiedTime(file, FileTime.from(WRITTEN));
  }

  private List<String> changedPaths() {
    return new GitReader(Map.of()).read(dir).changedPaths();
  }

  /** {@code sun.jnu.encoding} and the changed paths, as a JVM under {@code LANG=C} sees them. */
  private String changedPathsUnderTheCLocale() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder =
        new ProcessBuilder(
            java.toString(),
            "-cp",
            System.getProperty("java.class.path"),
            ChangedPaths.class.getName(),
            dir.toString());
    builder.environment().put("LANG", "C");
    builder.environment().put("LC_ALL", "C");
    builder.environment().remove("LC_CTYPE");
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(err).isZero();
    return out.trim();
  }

  /** Prints the JVM's file name encoding and the changed paths of a repository, in UTF-8. */
  public static final class ChangedPaths {
    public static void main(String[] args) throws Exception {
      // The directory arrives as the locale decoded it: ASCII here, as the tests' temp dirs are.
      List<String> changed = new GitReader(Map.of()).read(Path.of(args[0])).changedPaths();
      System.out.write(
          (System.getProperty("sun.jnu.encoding") + " " + changed + "\n")
              .getBytes(StandardCharsets.UTF_8));
      System.out.flush();
    }
  }

  /** git's own answer, asked after the plugin's: git status rewrites the index. */
  private List<String> gitStatus() throws Exception {
    String out = git("status", "--porcelain", "--untracked-files=no");
    return out.isEmpty()
        ? List.of()
        : Arrays.stream(out.split("\n")).map(l -> l.substring(3)).toList();
  }

  private void sh(String script) throws Exception {
    Process process =
        new ProcessBuilder("sh", "-c", script)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as("sh %s: %s", script, out).isZero();
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

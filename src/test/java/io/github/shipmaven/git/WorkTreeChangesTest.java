package io.github.shipmaven.git;

import static io.github.shipmaven.git.WorkTreeChanges.Verdict.CHANGED;
import static io.github.shipmaven.git.WorkTreeChanges.Verdict.COMPARE_CONTENT;
import static io.github.shipmaven.git.WorkTreeChanges.Verdict.SAME;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.shipmaven.git.IndexFile.Entry;
import io.github.shipmaven.git.IndexFile.StatData;
import io.github.shipmaven.git.WorkTreeChanges.FileStat;
import io.github.shipmaven.git.WorkTreeChanges.Rules;
import io.github.shipmaven.git.WorkTreeChanges.Verdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** git's rules field by field; TrackedChangesTest holds them against git itself. */
class WorkTreeChangesTest {
  private static final int FILE = 0100644;
  private static final int EXECUTABLE = 0100755;
  private static final int SYMLINK = 0120000;
  private static final int DIRECTORY = 040755;
  private static final int INDEX_WRITTEN = 2_000;

  private static final Rules DEFAULT = new Rules(true, true, true, true);
  private static final Rules NO_CTIME = new Rules(true, false, true, true);
  private static final Rules MINIMAL = new Rules(false, true, true, true);

  private static final StatData RECORDED = new StatData(1_000, 5, 1_000, 7, 2049, 42, 1000, 100, 4);

  private static Verdict verdict(Rules rules, StatData file) {
    return rules.verdict(entry(FILE, RECORDED), new FileStat(FILE, file), INDEX_WRITTEN);
  }

  private static Entry entry(int mode, StatData stat) {
    return new Entry(
        "a.txt",
        ObjectId.fromString("5d308e1d060b0c387d452cf4747f89ecb9935851"),
        mode,
        0,
        false,
        false,
        stat);
  }

  private static StatData stat(int ctime, int ctimeNs, int mtime, int mtimeNs, int ino, int uid) {
    return new StatData(ctime, ctimeNs, mtime, mtimeNs, 2049, ino, uid, 100, 4);
  }

  @Test
  void matchingStatDataIsTheSameFile() {
    assertThat(verdict(DEFAULT, RECORDED)).isEqualTo(SAME);
  }

  @Test
  void ctimeCountsUnlessUntrustedOrMinimal() {
    StatData nanos = stat(1_000, 6, 1_000, 7, 42, 1000);
    StatData seconds = stat(1_001, 5, 1_000, 7, 42, 1000);
    assertThat(verdict(DEFAULT, nanos)).isEqualTo(COMPARE_CONTENT);
    assertThat(verdict(DEFAULT, seconds)).isEqualTo(COMPARE_CONTENT);
    assertThat(verdict(NO_CTIME, seconds)).isEqualTo(SAME);
    assertThat(verdict(MINIMAL, seconds)).isEqualTo(SAME); // git's code, not its documentation
  }

  @Test
  void mtimeNanosecondsDeviceInodeAndOwnerCountUnlessMinimal() {
    for (StatData file :
        new StatData[] {
          new StatData(1_000, 5, 1_000, 7, 2050, 42, 1000, 100, 4),
          stat(1_000, 5, 1_000, 8, 42, 1000),
          stat(1_000, 5, 1_000, 7, 43, 1000),
          stat(1_000, 5, 1_000, 7, 42, 0),
          new StatData(1_000, 5, 1_000, 7, 2049, 42, 1000, 0, 4)
        }) {
      assertThat(verdict(DEFAULT, file)).as("%s", file).isEqualTo(COMPARE_CONTENT);
      assertThat(verdict(MINIMAL, file)).as("%s", file).isEqualTo(SAME);
    }
    assertThat(verdict(MINIMAL, stat(1_000, 5, 1_001, 7, 42, 1000))).isEqualTo(COMPARE_CONTENT);
  }

  @Test
  void aSizeChangeIsAChangeUnlessTheIndexDoesNotKnowTheSize() {
    StatData longer = new StatData(1_000, 5, 1_000, 7, 2049, 42, 1000, 100, 5);
    assertThat(verdict(MINIMAL, longer)).isEqualTo(CHANGED);
    // Size 0 with a non-empty blob: smudged, or never stat'ed; the file's own size is then unknown.
    StatData unknown = new StatData(1_000, 5, 1_000, 7, 2049, 42, 1000, 100, 0);
    assertThat(DEFAULT.verdict(entry(FILE, unknown), new FileStat(FILE, longer), 2_000))
        .isEqualTo(COMPARE_CONTENT);
    assertThat(DEFAULT.verdict(entry(FILE, unknown), new FileStat(FILE, unknown), 2_000))
        .isEqualTo(COMPARE_CONTENT);
    assertThat(StatData.indexSize(1L << 32)).isEqualTo(0x80000000);
    assertThat(StatData.indexSize((1L << 32) + 3)).isEqualTo(3);
  }

  @Test
  void anEntryRecordedInTheIndexFilesSecondIsComparedByContent() {
    Entry entry = entry(FILE, RECORDED);
    FileStat file = new FileStat(FILE, RECORDED);
    assertThat(MINIMAL.verdict(entry, file, 1_000)).isEqualTo(COMPARE_CONTENT);
    assertThat(MINIMAL.verdict(entry, file, 999)).isEqualTo(COMPARE_CONTENT);
    assertThat(MINIMAL.verdict(entry, file, 1_001)).isEqualTo(SAME);
  }

  @Test
  void typeAndExecutableBit() {
    Entry file = entry(FILE, RECORDED);
    assertThat(DEFAULT.verdict(file, new FileStat(EXECUTABLE, RECORDED), 2_000)).isEqualTo(CHANGED);
    assertThat(
            new Rules(true, true, false, true)
                .verdict(file, new FileStat(EXECUTABLE, RECORDED), 2_000))
        .isEqualTo(SAME);
    assertThat(DEFAULT.verdict(file, new FileStat(DIRECTORY, RECORDED), 2_000)).isEqualTo(CHANGED);
    assertThat(DEFAULT.verdict(file, new FileStat(SYMLINK, RECORDED), 2_000)).isEqualTo(CHANGED);
    Entry link = entry(SYMLINK, RECORDED);
    assertThat(DEFAULT.verdict(link, new FileStat(SYMLINK, RECORDED), 2_000)).isEqualTo(SAME);
    assertThat(DEFAULT.verdict(link, new FileStat(FILE, RECORDED), 2_000)).isEqualTo(CHANGED);
    // Without symlinks, git checks a link out as a file holding its target.
    assertThat(
            new Rules(true, true, true, false).verdict(link, new FileStat(FILE, RECORDED), 2_000))
        .isEqualTo(SAME);
  }

  @Test
  void namesFilesAndReadsLinkTargetsByTheirBytes(@TempDir Path dir) throws Exception {
    String root = WorkTreeChanges.directoryUri(dir);
    byte[] latin1 = {'b', 'a', 'd', (byte) 0xff, 'n', 'a', 'm', 'e'};
    Path bad = WorkTreeChanges.file(dir, root, latin1);
    Files.writeString(bad, "x");
    Path cafe = WorkTreeChanges.file(dir, root, "d/caf\u00e9.txt".getBytes(StandardCharsets.UTF_8));
    Files.createDirectories(cafe.getParent());
    Files.writeString(cafe, "y");
    assertThat(cafe).isEqualTo(dir.resolve("d/caf\u00e9.txt"));
    try (var names = Files.list(dir)) {
      assertThat(names.count()).isEqualTo(2); // "d" and the Latin-1 name, one entry each
    }
    Path link = dir.resolve("link");
    Files.createSymbolicLink(link, Path.of("d/caf\u00e9.txt"));
    assertThat(WorkTreeChanges.linkTarget(link))
        .hasValueSatisfying(
            t -> assertThat(t).isEqualTo("d/caf\u00e9.txt".getBytes(StandardCharsets.UTF_8)));
    Path toDir = dir.resolve("to-dir");
    Files.createSymbolicLink(toDir, Path.of("d"));
    assertThat(WorkTreeChanges.linkTarget(toDir))
        .hasValueSatisfying(t -> assertThat(t).isEqualTo(new byte[] {'d'}));
    assertThat(WorkTreeChanges.linkTarget(dir.resolve("none"))).isEmpty();
  }
}

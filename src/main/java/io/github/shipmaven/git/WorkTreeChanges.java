package io.github.shipmaven.git;

import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.git.IndexFile.Entry;
import io.github.shipmaven.git.IndexFile.StatData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.dircache.DirCacheIterator;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.treewalk.FileTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.WorkingTreeIterator;
import org.eclipse.jgit.treewalk.filter.PathFilterGroup;

/**
 * The tracked files that differ from their index entries, decided as {@code git status} decides
 * when it refreshes the index (read-cache.c's {@code ie_modified}): a changed type, executable bit
 * or size is a change; any other stat difference (statinfo.c's {@code match_stat_data}: mtime,
 * ctime, device, inode, uid, gid, as {@code core.checkStat} and {@code core.trustctime} select), or
 * an entry that is racily clean, is settled by the file's content; matching stat data is no change.
 * Entries JGit wrote hold no ctime, inode, uid or gid, so their files are compared by content, as
 * git compares them until it next writes the index (this check writes nothing).
 */
final class WorkTreeChanges {
  /**
   * Index size from which the stat calls run on all cores. Below it they take less time than a
   * fresh JVM needs to start the fork-join pool and its stream machinery (~10 ms).
   */
  static final int PARALLEL_FROM = 2_000;

  /**
   * lstat(2)'s fields, as the JDK's "unix" view gives them; not owner names, which cost lookups.
   */
  private static final String STAT = "unix:mode,dev,ino,uid,gid,ctime,size,lastModifiedTime";

  private static final int TYPE_MASK = 0170000;
  private static final int REGULAR = 0100000;
  private static final int SYMLINK = 0120000;
  private static final int GITLINK = 0160000;
  private static final int OWNER_EXECUTE = 0100;

  enum Verdict {
    SAME,
    CHANGED,
    COMPARE_CONTENT
  }

  /** A file's type and permission bits and its stat data, truncated as git's index keeps them. */
  record FileStat(int mode, StatData stat) {
    static FileStat of(Map<String, Object> unix) {
      Instant ctime = ((FileTime) unix.get("ctime")).toInstant();
      Instant mtime = ((FileTime) unix.get("lastModifiedTime")).toInstant();
      return new FileStat(
          (Integer) unix.get("mode"),
          new StatData(
              (int) ctime.getEpochSecond(),
              ctime.getNano(),
              (int) mtime.getEpochSecond(),
              mtime.getNano(),
              (int) (long) (Long) unix.get("dev"),
              (int) (long) (Long) unix.get("ino"),
              (Integer) unix.get("uid"),
              (Integer) unix.get("gid"),
              StatData.indexSize((Long) unix.get("size"))));
    }
  }

  /**
   * The settings that decide which fields count, as git reads them.
   *
   * @param checkStat {@code core.checkStat} is not {@code minimal}: more than whole-second mtime
   *     and size are compared
   * @param trustCtime {@code core.trustctime}
   * @param fileMode {@code core.fileMode}: the executable bit counts
   * @param symlinks {@code core.symlinks}: a symlink checked out as a plain file is a change
   */
  record Rules(boolean checkStat, boolean trustCtime, boolean fileMode, boolean symlinks) {
    static Rules of(Config config) {
      String core = ConfigConstants.CONFIG_CORE_SECTION;
      try {
        return new Rules(
            !"minimal"
                .equalsIgnoreCase(
                    config.getString(core, null, ConfigConstants.CONFIG_KEY_CHECKSTAT)),
            config.getBoolean(core, "trustctime", true),
            config.getBoolean(core, ConfigConstants.CONFIG_KEY_FILEMODE, true),
            config.getBoolean(core, ConfigConstants.CONFIG_KEY_SYMLINKS, true));
      } catch (IllegalArgumentException e) { // JGit's message names the key and its value
        throw ShipException.config(e.getMessage() + " in the git config: set it to true or false.");
      }
    }

    /**
     * @param indexSeconds the index file's mtime, whole seconds: entries modified in or after that
     *     second may have changed after git recorded them without their stat data showing it
     */
    Verdict verdict(Entry entry, FileStat file, int indexSeconds) {
      int type = file.mode() & TYPE_MASK;
      switch (entry.mode() & TYPE_MASK) {
        case REGULAR -> {
          if (type != REGULAR
              || (fileMode && ((entry.mode() ^ file.mode()) & OWNER_EXECUTE) != 0)) {
            return Verdict.CHANGED;
          }
        }
        case SYMLINK -> {
          if (type != SYMLINK && (symlinks || type != REGULAR)) {
            return Verdict.CHANGED;
          }
        }
        default -> {
          return Verdict.CHANGED; // no other mode belongs to a checked-out file
        }
      }
      StatData recorded = entry.stat();
      if (recorded.size() != file.stat().size()) {
        // Size 0 in the index is unknown (smudged, or never stat'ed), not empty.
        return recorded.size() == 0 ? Verdict.COMPARE_CONTENT : Verdict.CHANGED;
      }
      boolean racy =
          indexSeconds != 0 && Integer.compareUnsigned(indexSeconds, recorded.mtimeSeconds()) <= 0;
      return entry.smudged() || racy || differs(recorded, file.stat())
          ? Verdict.COMPARE_CONTENT
          : Verdict.SAME;
    }

    /** statinfo.c's match_stat_data, size aside. */
    private boolean differs(StatData recorded, StatData file) {
      if (recorded.mtimeSeconds() != file.mtimeSeconds()) {
        return true;
      }
      if (!checkStat) {
        return false;
      }
      // Nanoseconds and the device count as in a git built with USE_NSEC and USE_STDEV
      // (distributions' builds are not): a difference only sends the file to the content
      // comparison, so it never hides a change.
      return recorded.mtimeNanos() != file.mtimeNanos()
          || (trustCtime
              && (recorded.ctimeSeconds() != file.ctimeSeconds()
                  || recorded.ctimeNanos() != file.ctimeNanos()))
          || recorded.dev() != file.dev()
          || recorded.ino() != file.ino()
          || recorded.uid() != file.uid()
          || recorded.gid() != file.gid();
    }
  }

  private WorkTreeChanges() {}

  /** Whether the file system gives what git's stat data holds (no: Windows). */
  static boolean supported(Path workTree) {
    return workTree.getFileSystem().supportedFileAttributeViews().contains("unix");
  }

  /** The paths of the tracked files that differ from their entries in {@code index}. */
  static Set<String> of(Repository repo, IndexFile index) throws IOException {
    Path root = repo.getWorkTree().toPath().toAbsolutePath();
    String rootUri = directoryUri(root);
    List<Entry> entries = index.entries();
    Rules rules = Rules.of(repo.getConfig());
    Verdict[] verdicts = new Verdict[entries.size()];
    IntStream all = IntStream.range(0, entries.size());
    try {
      (entries.size() < PARALLEL_FROM ? all : all.parallel())
          .forEach(
              i ->
                  verdicts[i] =
                      verdict(root, rootUri, entries.get(i), rules, index.writtenSeconds()));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    Set<String> changed = new TreeSet<>();
    List<String> compare = new ArrayList<>();
    CharsetEncoder jvmNames = jvmNameCharset().newEncoder();
    boolean sparse = index.sparse();
    for (int i = 0; i < verdicts.length; i++) {
      Entry entry = entries.get(i);
      switch (verdicts[i]) {
        case CHANGED -> changed.add(entry.path());
        case COMPARE_CONTENT -> {
          // JGit reads no sparse index, and names files by Java strings: a name that is not
          // UTF-8, or that the JVM's file name encoding (the locale's: ASCII under LANG=C)
          // cannot hold, is one it cannot find. Their bytes differ from the blob (verdict() hashed
          // them), and no clean filter can be applied to them here: they count as changed.
          if (sparse || !entry.utf8() || !jvmNames.canEncode(entry.path())) {
            changed.add(entry.path());
          } else {
            compare.add(entry.path());
          }
        }
        case SAME -> {}
      }
    }
    if (!compare.isEmpty()) {
      changed.addAll(contentDiffers(repo, compare));
    }
    return changed;
  }

  private static Verdict verdict(
      Path root, String rootUri, Entry entry, Rules rules, int indexSeconds) {
    if (entry.stage() != 0 || entry.intentToAdd()) {
      return Verdict.CHANGED; // a conflict, or a path only announced with "git add -N"
    }
    if (entry.unchecked() || (entry.mode() & TYPE_MASK) == GITLINK) {
      return Verdict.SAME; // git's promise (sparse directories too); submodules do not count here
    }
    Path file = file(root, rootUri, entry.rawPath());
    Map<String, Object> unix;
    try {
      unix = Files.readAttributes(file, STAT, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return Verdict.CHANGED; // deleted, or no longer reachable as a file
    }
    FileStat stat = FileStat.of(unix);
    Verdict verdict = rules.verdict(entry, stat, indexSeconds);
    // Bytes equal to the entry's blob are no change, whatever clean filter or line-ending
    // conversion applies: a checkout copied elsewhere (new inodes, ctimes) is settled here on all
    // cores. Other files are compared by JGit, which applies them.
    if (verdict == Verdict.COMPARE_CONTENT
        && (stat.mode() & TYPE_MASK) == REGULAR
        && isBlob(file, (Long) unix.get("size"), entry.id())) {
      return Verdict.SAME;
    }
    if (verdict == Verdict.COMPARE_CONTENT
        && (stat.mode() & TYPE_MASK) == SYMLINK
        && (entry.mode() & TYPE_MASK) == SYMLINK) {
      return linkTarget(file).map(WorkTreeChanges::blobId).filter(entry.id()::equals).isPresent()
          ? Verdict.SAME
          : Verdict.CHANGED;
    }
    return verdict;
  }

  /**
   * The file an index path names, by its bytes. A Java string path is encoded with the JVM's file
   * name encoding, which follows the locale: under {@code LANG=C} it is ASCII and {@code café.txt}
   * cannot be named at all ({@code InvalidPathException}), and under any locale a name that is not
   * UTF-8 ({@code bad\xffname}) comes out as other bytes. A {@code file:} URI's escapes are taken
   * byte for byte by the JDK's Unix file system, so every name git can hold is reached; ASCII
   * paths, nearly all, take the plain way.
   */
  static Path file(Path root, String rootUri, byte[] rawPath) {
    boolean ascii = true;
    for (byte b : rawPath) {
      ascii &= b > 0;
    }
    if (ascii) {
      return root.resolve(new String(rawPath, StandardCharsets.US_ASCII));
    }
    StringBuilder uri = new StringBuilder(rootUri.length() + rawPath.length * 3).append(rootUri);
    for (byte b : rawPath) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "/-._~".indexOf(c) >= 0) {
        uri.append((char) c);
      } else {
        uri.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return Path.of(URI.create(uri.toString()));
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /** {@code file:///…/} of a directory, its bytes escaped as {@link #file} needs. */
  static String directoryUri(Path directory) {
    String uri = directory.toUri().toString();
    return uri.endsWith("/") ? uri : uri + "/";
  }

  /** The encoding the JVM names files in: {@code sun.jnu.encoding}, the locale's. */
  static Charset jvmNameCharset() {
    try {
      return Charset.forName(System.getProperty("sun.jnu.encoding", ""));
    } catch (IllegalArgumentException e) {
      return Charset.defaultCharset();
    }
  }

  /** The id git gives {@code content} as a blob. */
  static ObjectId blobId(byte[] content) {
    MessageDigest sha1 = Constants.newMessageDigest();
    sha1.update(Constants.encodedTypeString(Constants.OBJ_BLOB));
    sha1.update((byte) ' ');
    sha1.update(Constants.encodeASCII(content.length));
    sha1.update((byte) 0);
    sha1.update(content);
    return ObjectId.fromRaw(sha1.digest());
  }

  /**
   * A symlink's target as bytes, what git stores as its blob; empty if it cannot be read. A target
   * the locale cannot spell is read back through a {@code file:} URI, which escapes its bytes.
   */
  static Optional<byte[]> linkTarget(Path link) {
    Path target;
    try {
      target = Files.readSymbolicLink(link);
    } catch (IOException e) {
      return Optional.empty();
    }
    String text = target.toString();
    if (text.chars().allMatch(c -> c > 0 && c < 0x80)) {
      return Optional.of(text.getBytes(StandardCharsets.US_ASCII));
    }
    // toUri makes the path absolute against the link's directory (or the JVM's), escapes every
    // byte, and ends a directory's path in '/': the target is what follows the prefix.
    String prefix = target.isAbsolute() ? "" : directoryUri(link.getParent()).substring(7);
    String uri =
        (target.isAbsolute() ? target : link.getParent().resolve(target)).toUri().getRawPath();
    if (uri.endsWith("/") && !text.endsWith("/")) {
      uri = uri.substring(0, uri.length() - 1);
    }
    String escaped = target.isAbsolute() ? uri : uri.substring(prefix.length());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < escaped.length(); i++) {
      char c = escaped.charAt(i);
      if (c == '%') {
        bytes.write(Integer.parseInt(escaped.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        bytes.write(c);
      }
    }
    return Optional.of(bytes.toByteArray());
  }

  /** Whether the file's bytes hash to {@code id} as a blob, as git hashes them with no filter. */
  static boolean isBlob(Path file, long size, ObjectId id) {
    MessageDigest sha1 = Constants.newMessageDigest();
    sha1.update(Constants.encodedTypeString(Constants.OBJ_BLOB));
    sha1.update((byte) ' ');
    sha1.update(Constants.encodeASCII(size));
    sha1.update((byte) 0);
    byte[] buffer = new byte[(int) Math.min(size + 1, 64 * 1024)];
    long read = 0;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      for (int n; (n = in.read(buffer)) > 0; read += n) {
        sha1.update(buffer, 0, n);
      }
    } catch (IOException e) {
      return false; // unreadable: JGit's comparison decides
    }
    return read == size && id.equals(ObjectId.fromRaw(sha1.digest()));
  }

  /**
   * The paths whose file content differs from the entry's blob, as JGit's status compares them
   * (clean filters and line endings applied). JGit takes a file whose mtime and size match as
   * unchanged without reading it, so the entries are smudged first (size 0), as git marks racily
   * clean ones: JGit reads every file.
   */
  private static Set<String> contentDiffers(Repository repo, List<String> paths)
      throws IOException {
    Set<String> differ = new TreeSet<>();
    Set<String> compared = new HashSet<>();
    DirCache index = repo.readDirCache();
    for (String path : paths) {
      DirCacheEntry entry = index.getEntry(path);
      if (entry != null) {
        entry.smudgeRacilyClean();
      }
    }
    try (TreeWalk walk = new TreeWalk(repo)) {
      walk.setRecursive(true);
      int cached = walk.addTree(new DirCacheIterator(index));
      FileTreeIterator files = new FileTreeIterator(repo);
      int file = walk.addTree(files);
      files.setDirCacheIterator(walk, cached);
      walk.setFilter(PathFilterGroup.createFromStrings(paths));
      while (walk.next()) {
        DirCacheIterator entry = walk.getTree(cached, DirCacheIterator.class);
        WorkingTreeIterator found = walk.getTree(file, WorkingTreeIterator.class);
        if (entry == null) {
          continue; // an untracked file under a path that was a file
        }
        compared.add(walk.getPathString());
        if (found == null
            || found.isModified(entry.getDirCacheEntry(), true, walk.getObjectReader())) {
          differ.add(walk.getPathString());
        }
      }
    }
    for (String path : paths) {
      if (!compared.contains(path)) {
        differ.add(path); // gone since its stat was read
      }
    }
    return differ;
  }
}

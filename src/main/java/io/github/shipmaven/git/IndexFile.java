package io.github.shipmaven.git;

import io.github.shipmaven.core.ShipException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.util.RawParseUtils;
import org.jspecify.annotations.Nullable;

/**
 * git's index file as the clean check needs it, read as documented in gitformat-index(5) (versions
 * 2, 3 and 4): every entry with all the stat data git records, which JGit's {@code DirCacheEntry}
 * keeps but exposes only in part (mtime, size, ctime to the millisecond; not device, inode, uid or
 * gid), and the cache tree's root id. JGit reads the index only when something has to be compared
 * further.
 *
 * @param entries the entries in index order
 * @param treeId the tree the whole index amounts to, when the cache-tree extension knows it
 * @param writtenSeconds the index file's mtime in whole seconds, taken before reading it, as git
 *     takes it: entries modified in or after that second may have changed unseen
 */
record IndexFile(List<Entry> entries, @Nullable ObjectId treeId, int writtenSeconds) {
  /** Whether this is a sparse index: JGit cannot read its sparse-directory entries. */
  boolean sparse() {
    return entries.stream().anyMatch(Entry::sparseDirectory);
  }

  private static final int FLAGS = 60; // entry offset of the flags, after the stat data and id
  private static final int NAME_LENGTH = 0xFFF; // in the flags; 0xFFF: at least that long
  private static final int ASSUME_VALID = 0x8000;
  private static final int EXTENDED = 0x4000;
  private static final int SKIP_WORKTREE = 0x4000; // in the extended flags
  private static final int INTENT_TO_ADD = 0x2000; // in the extended flags

  /**
   * The stat data of a file as git's index records it: 32 bits each, seconds, device numbers and
   * sizes truncated as git truncates them.
   */
  record StatData(
      int ctimeSeconds,
      int ctimeNanos,
      int mtimeSeconds,
      int mtimeNanos,
      int dev,
      int ino,
      int uid,
      int gid,
      int size) {

    /** The size as the index stores it: its low 32 bits, but never 0 for a non-empty file. */
    static int indexSize(long size) {
      int low = (int) size;
      return low == 0 && size != 0 ? 0x80000000 : low;
    }
  }

  /**
   * One index entry.
   *
   * @param id the blob (or, for a submodule, commit) the entry stands for
   * @param mode git's mode: type and permission bits ({@code 0100644}, {@code 0120000}, ...)
   * @param stage 0, or 1 to 3 for the sides of a conflict
   * @param unchecked skip-worktree or assume-valid: git takes the file as unchanged
   * @param rawPath the path's bytes as the index holds them, whatever their encoding: {@code path}
   *     is for messages and JGit, these name the file
   */
  record Entry(
      String path,
      ObjectId id,
      int mode,
      int stage,
      boolean unchecked,
      boolean intentToAdd,
      StatData stat,
      byte[] rawPath) {

    Entry(
        String path,
        ObjectId id,
        int mode,
        int stage,
        boolean unchecked,
        boolean intentToAdd,
        StatData stat) {
      this(
          path,
          id,
          mode,
          stage,
          unchecked,
          intentToAdd,
          stat,
          path.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A sparse-directory entry of a sparse index ({@code git sparse-checkout --sparse-index}): a
     * whole directory outside the sparse cone, as one tree entry whose path ends in {@code /}.
     */
    boolean sparseDirectory() {
      return (mode & 0170000) == 0040000;
    }

    /** Whether {@link #path()} names the file exactly: its UTF-8 bytes are the index's. */
    boolean utf8() {
      return Arrays.equals(path.getBytes(StandardCharsets.UTF_8), rawPath);
    }

    /**
     * Size 0 for a non-empty blob: git marked the entry racily clean when it wrote the index, or
     * never read the file's stat data; its content must be compared.
     */
    boolean smudged() {
      return stat.size() == 0 && !id.equals(Constants.EMPTY_BLOB_ID);
    }
  }

  /** The index at {@code file}; none (no entries) when there is no such file, as git has it. */
  static IndexFile read(Path file) throws IOException {
    byte[] b;
    int writtenSeconds;
    try {
      writtenSeconds = (int) Files.getLastModifiedTime(file).toInstant().getEpochSecond();
      b = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new IndexFile(List.of(), null, 0);
    }
    if (b.length < 12 || b[0] != 'D' || b[1] != 'I' || b[2] != 'R' || b[3] != 'C') {
      throw new IOException("not a git index file: " + file);
    }
    int version = int32(b, 4);
    if (version < 2 || version > 4) {
      throw new IOException("git index version " + version + " is not supported: " + file);
    }
    try {
      int count = int32(b, 8);
      // Every entry takes at least 62 bytes: a corrupt count cannot ask for more room than that.
      List<Entry> entries = new ArrayList<>(Math.max(0, Math.min(count, b.length / 62)));
      int end = readEntries(b, version, count, entries);
      if (hasExtension(b, end, "link")) {
        // The entries here are only those changed since the shared index: reading them alone
        // would miss every other file, and JGit reads no split index either.
        throw ShipException.config(
            "The git index "
                + file
                + " is a split index (core.splitIndex, git update-index --split-index), which"
                + " ship-maven-plugin cannot read: run git update-index --no-split-index in the"
                + " checkout (and unset core.splitIndex).");
      }
      return new IndexFile(entries, rootTree(b, end), writtenSeconds);
    } catch (IndexOutOfBoundsException | NegativeArraySizeException e) {
      throw new IOException("git index file ends inside an entry: " + file, e);
    }
  }

  /** Adds the entries that start at offset 12 to {@code entries}; returns the offset after them. */
  private static int readEntries(byte[] b, int version, int count, List<Entry> entries) {
    byte[] previousPath = new byte[0]; // version 4 only
    int p = 12;
    for (int i = 0; i < count; i++) {
      int flags = uint16(b, p + FLAGS);
      int extendedFlags = version >= 3 && (flags & EXTENDED) != 0 ? uint16(b, p + FLAGS + 2) : 0;
      int name = p + FLAGS + (version >= 3 && (flags & EXTENDED) != 0 ? 4 : 2);
      int length = flags & NAME_LENGTH; // the whole path's, unless too long to say
      String path;
      byte[] raw;
      int next;
      if (version == 4) {
        // The path is the previous one minus its last N bytes, plus a NUL-terminated suffix.
        int c = b[name++] & 0xff;
        int n = c & 0x7f;
        while ((c & 0x80) != 0) {
          c = b[name++] & 0xff;
          n = ((n + 1) << 7) | (c & 0x7f);
        }
        int keep = previousPath.length - n;
        int end = length < NAME_LENGTH ? name + length - keep : nul(b, name);
        byte[] whole = Arrays.copyOf(previousPath, keep + end - name);
        System.arraycopy(b, name, whole, keep, end - name);
        path = decode(whole, 0, whole.length);
        raw = whole;
        previousPath = whole;
        next = end + 1;
      } else {
        int end = length < NAME_LENGTH ? name + length : nul(b, name);
        path = decode(b, name, end);
        raw = Arrays.copyOfRange(b, name, end);
        // NUL padding to a multiple of 8 bytes, at least one NUL
        next = p + ((end - p + 8) & ~7);
      }
      entries.add(
          new Entry(
              path,
              ObjectId.fromRaw(b, p + 40),
              int32(b, p + 24),
              (flags >> 12) & 3,
              (flags & ASSUME_VALID) != 0 || (extendedFlags & SKIP_WORKTREE) != 0,
              (extendedFlags & INTENT_TO_ADD) != 0,
              new StatData(
                  int32(b, p),
                  int32(b, p + 4),
                  int32(b, p + 8),
                  int32(b, p + 12),
                  int32(b, p + 16),
                  int32(b, p + 20),
                  int32(b, p + 28),
                  int32(b, p + 32),
                  int32(b, p + 36)),
              raw));
      p = next;
    }
    return p;
  }

  /** Whether the extensions between the entries and the file's hash include {@code signature}. */
  private static boolean hasExtension(byte[] b, int p, String signature) {
    byte[] wanted = signature.getBytes(StandardCharsets.US_ASCII);
    while (p + 8 <= b.length - Constants.OBJECT_ID_LENGTH) {
      if (Arrays.equals(b, p, p + 4, wanted, 0, 4)) {
        return true;
      }
      p += 8 + int32(b, p + 4);
    }
    return false;
  }

  /** The cache tree's root id, from the extensions between the entries and the file's hash. */
  private static @Nullable ObjectId rootTree(byte[] b, int p) {
    while (p + 8 <= b.length - Constants.OBJECT_ID_LENGTH) {
      if (b[p] == 'T' && b[p + 1] == 'R' && b[p + 2] == 'E' && b[p + 3] == 'E') {
        // The root node: an empty path, NUL, its entry count ("-1": invalidated), a space, its
        // subtree count, a newline, then the tree's id when valid.
        int count = nul(b, p + 8) + 1;
        if (b[count] == '-') {
          return null;
        }
        int id = count;
        while (b[id] != '\n') {
          id++;
        }
        return ObjectId.fromRaw(b, id + 1);
      }
      p += 8 + int32(b, p + 4);
    }
    return null;
  }

  /** UTF-8, as JGit decodes paths; JGit's fallback for names that are not. */
  private static String decode(byte[] b, int from, int to) {
    String path = new String(b, from, to - from, StandardCharsets.UTF_8);
    return path.indexOf('\uFFFD') < 0 ? path : RawParseUtils.decode(b, from, to);
  }

  private static int nul(byte[] b, int from) {
    int i = from;
    while (b[i] != 0) {
      i++;
    }
    return i;
  }

  private static int int32(byte[] b, int p) {
    return (b[p] & 0xff) << 24
        | (b[p + 1] & 0xff) << 16
        | (b[p + 2] & 0xff) << 8
        | (b[p + 3] & 0xff);
  }

  private static int uint16(byte[] b, int p) {
    return (b[p] & 0xff) << 8 | (b[p + 1] & 0xff);
  }
}

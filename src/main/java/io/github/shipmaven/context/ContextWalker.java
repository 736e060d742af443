package io.github.shipmaven.context;

import io.github.shipmaven.core.ShipException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Walks a context directory in the order both of the CLI's senders use (Go's {@code filepath.Walk}:
 * pre-order, names sorted bytewise within a directory, parents before children) and gives each
 * entry that is sent as a {@link ContextEntry}: the tar upload and BuildKit's FileSync share it, so
 * both send the same modes, times and links.
 *
 * <p>Excluded directories are entered only when an exception pattern may match inside them. What
 * {@code includes} (BuildKit's {@code followpaths} and {@code include-patterns}) leaves out is
 * never entered. Sockets, fifos and devices are not build input and are left out.
 */
public final class ContextWalker {
  private static final int TYPE_MASK = 0170000;
  private static final int TYPE_DIRECTORY = 0040000;
  private static final int TYPE_FILE = 0100000;
  private static final int TYPE_SYMLINK = 0120000;

  /** Receives the entries, in order. */
  @FunctionalInterface
  public interface Visitor {
    void visit(ContextEntry entry) throws IOException;
  }

  private enum Include {
    NO,
    PARTLY,
    WHOLLY
  }

  private final Path root;
  private final DockerIgnore excludes;
  private final @Nullable List<String[]> includes;
  private final boolean parentsOfExceptions;
  private final Visitor visitor;
  private final Map<String, ContextEntry> inodes = new HashMap<>();
  private final List<ContextEntry> pendingParents = new ArrayList<>();
  private boolean unixView = true;

  private ContextWalker(
      Path root,
      DockerIgnore excludes,
      @Nullable List<String> includes,
      boolean parentsOfExceptions,
      Visitor visitor) {
    this.root = root;
    this.excludes = excludes;
    this.includes =
        includes == null
            ? null
            : includes.stream().map(p -> DockerIgnore.clean(p).split("/")).toList();
    this.parentsOfExceptions = parentsOfExceptions;
    this.visitor = visitor;
  }

  /**
   * Walks {@code root}.
   *
   * @param excludes what is left out
   * @param includes patterns of what is sent (with what is below a match), null for everything
   * @param parentsOfExceptions whether an excluded directory is sent when something inside it is
   *     (an exception pattern brought it back): DiffCopy needs every parent before its children and
   *     sends none for a directory with nothing sent inside (as buildx does); the tar upload leaves
   *     such directories out, as the CLI's tar does
   * @throws ShipException naming an entry that cannot be read, and the fix
   */
  public static void walk(
      Path root,
      DockerIgnore excludes,
      @Nullable List<String> includes,
      boolean parentsOfExceptions,
      Visitor visitor)
      throws IOException {
    new ContextWalker(root, excludes, includes, parentsOfExceptions, visitor)
        .directory(root, "", new byte[0], false);
  }

  private void directory(Path dir, String prefix, byte[] rawPrefix, boolean wholeIncluded)
      throws IOException {
    List<Path> children;
    try (Stream<Path> list = Files.list(dir)) {
      children = new ArrayList<>(list.toList());
    } catch (AccessDeniedException e) {
      throw unreadable(root, prefix.isEmpty() ? "." : prefix);
    }
    // Go compares names as bytes: the file system's, not Java's UTF-16 order.
    Map<Path, byte[]> raw = new HashMap<>();
    for (Path child : children) {
      raw.put(child, RawNames.fileName(child));
    }
    children.sort((a, b) -> Arrays.compareUnsigned(raw.get(a), raw.get(b)));
    for (Path child : children) {
      byte[] rawName = raw.get(child);
      String name = prefix + new String(rawName, StandardCharsets.UTF_8);
      byte[] rawPath = RawNames.concat(rawPrefix, rawName);
      Include include = wholeIncluded ? Include.WHOLLY : included(name);
      if (include == Include.NO) {
        continue;
      }
      Found found = entry(child, name, rawPath);
      if (found == null) {
        continue;
      }
      ContextEntry entry = found.entry();
      boolean isDirectory = entry.kind() == ContextEntry.Kind.DIRECTORY;
      if (excludes.excludes(name)) {
        if (isDirectory && !excludes.canSkipDirectory(name)) {
          if (parentsOfExceptions) {
            pendingParents.add(entry);
          }
          directory(child, name + "/", RawNames.slash(rawPath), include == Include.WHOLLY);
          pendingParents.remove(entry);
        }
        continue;
      }
      for (ContextEntry parent : pendingParents) {
        visitor.visit(parent);
      }
      pendingParents.clear();
      visitor.visit(linked(found));
      if (isDirectory) {
        directory(child, name + "/", RawNames.slash(rawPath), include == Include.WHOLLY);
      }
    }
  }

  /** An entry, and its inode when other names share it. */
  private record Found(ContextEntry entry, @Nullable String inode) {}

  /** The entry, or a hard link to the first entry sent with its inode. */
  private ContextEntry linked(Found found) {
    if (found.inode() == null) {
      return found.entry();
    }
    ContextEntry entry = found.entry();
    ContextEntry first = inodes.putIfAbsent(found.inode(), entry);
    if (first == null) {
      return entry;
    }
    return new ContextEntry(
        entry.path(),
        entry.rawPath(),
        ContextEntry.Kind.HARDLINK,
        entry.permissions(),
        0,
        entry.modifiedSeconds(),
        entry.modifiedNanos(),
        first.path(),
        first.rawPath(),
        entry.file());
  }

  /** How far {@code includes} takes in a path: fsutil's prefix match of each pattern. */
  private Include included(String name) {
    if (includes == null) {
      return Include.WHOLLY;
    }
    String[] parts = name.split("/");
    Include best = Include.NO;
    for (String[] pattern : includes) {
      if (pattern.length == 1 && pattern[0].equals(".")) {
        return Include.WHOLLY;
      }
      if (parts.length > pattern.length) {
        // deeper than the pattern: only under a wholly included directory, handled by the caller
        continue;
      }
      boolean all = true;
      for (int i = 0; i < parts.length; i++) {
        if (!GoPath.match(pattern[i], parts[i])) {
          all = false;
          break;
        }
      }
      if (all) {
        if (parts.length == pattern.length) {
          return Include.WHOLLY;
        }
        best = Include.PARTLY;
      }
    }
    return best;
  }

  private @Nullable Found entry(Path file, String name, byte[] rawPath) throws IOException {
    int mode;
    long size;
    FileTime modified;
    String inode = null;
    try {
      if (unixView) {
        try {
          Map<String, Object> unix =
              Files.readAttributes(
                  file, "unix:mode,ino,dev,nlink,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
          mode = (Integer) unix.get("mode");
          size = (Long) unix.get("size");
          modified = (FileTime) unix.get("lastModifiedTime");
          if ((Integer) unix.get("nlink") > 1) {
            inode = unix.get("dev") + ":" + unix.get("ino");
          }
        } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
          unixView = false;
          return entry(file, name, rawPath);
        }
      } else {
        PosixFileAttributes posix =
            Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        mode =
            (posix.isDirectory()
                    ? TYPE_DIRECTORY
                    : posix.isSymbolicLink() ? TYPE_SYMLINK : posix.isRegularFile() ? TYPE_FILE : 0)
                | permissionBits(posix);
        size = posix.size();
        modified = posix.lastModifiedTime();
      }
    } catch (AccessDeniedException e) {
      throw unreadable(root, name);
    }
    Instant time = modified.toInstant();
    int permissions = mode & 07777;
    ContextEntry entry =
        switch (mode & TYPE_MASK) {
          case TYPE_DIRECTORY ->
              new ContextEntry(
                  name,
                  rawPath,
                  ContextEntry.Kind.DIRECTORY,
                  permissions,
                  0,
                  time.getEpochSecond(),
                  time.getNano(),
                  null,
                  null,
                  file);
          case TYPE_SYMLINK -> {
            byte[] target = RawNames.of(Files.readSymbolicLink(file));
            yield new ContextEntry(
                name,
                rawPath,
                ContextEntry.Kind.SYMLINK,
                permissions,
                target.length,
                time.getEpochSecond(),
                time.getNano(),
                new String(target, StandardCharsets.UTF_8),
                target,
                file);
          }
          case TYPE_FILE ->
              new ContextEntry(
                  name,
                  rawPath,
                  ContextEntry.Kind.FILE,
                  permissions,
                  size,
                  time.getEpochSecond(),
                  time.getNano(),
                  null,
                  null,
                  file);
          default -> null; // sockets, fifos, devices: not build input
        };
    return entry == null
        ? null
        : new Found(entry, entry.kind() == ContextEntry.Kind.FILE ? inode : null);
  }

  private static int permissionBits(PosixFileAttributes attributes) {
    int mode = 0;
    for (PosixFilePermission p : attributes.permissions()) {
      mode |= 1 << (8 - p.ordinal());
    }
    return mode;
  }

  /** As the docker CLI does, an unreadable entry fails the build, naming it and the fix. */
  static ShipException unreadable(Path root, String name) {
    return ShipException.config(
        "The build context has "
            + name
            + " ("
            + root.resolve(name).normalize()
            + "), which cannot be read: fix its permissions, or exclude it in .dockerignore.");
  }
}

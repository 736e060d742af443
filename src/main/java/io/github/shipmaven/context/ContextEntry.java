package io.github.shipmaven.context;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a build context as the docker CLI sends it, whichever way it goes: a tar header for
 * the upload, a DiffCopy {@code Stat} for BuildKit's session. Owner ids are not kept: the CLI sends
 * root (0) for both.
 *
 * @param path relative to the context, {@code /}-separated, no trailing slash, as text (the bytes
 *     decoded as UTF-8; what {@code .dockerignore} patterns and the log see)
 * @param rawPath the same path as the file system's bytes, whatever the JVM's locale: what is sent
 *     (as the CLI sends names: bytes, which need not be UTF-8)
 * @param kind what it is
 * @param permissions the low 12 bits of {@code st_mode}: {@code rwx} for all three, and setuid
 *     (04000), setgid (02000) and sticky (01000)
 * @param size a regular file's length (0 for a hard link to an earlier entry), a symlink's target
 *     length; 0 for a directory
 * @param modifiedSeconds modification time, seconds since the epoch (negative before 1970)
 * @param modifiedNanos the nanoseconds within that second
 * @param linkTarget a symlink's target as stored, or the earlier path of a hard-linked file; else
 *     null
 * @param rawLinkTarget the same as bytes; null when {@code linkTarget} is
 * @param file where to read a regular file's bytes
 */
public record ContextEntry(
    String path,
    byte[] rawPath,
    Kind kind,
    int permissions,
    long size,
    long modifiedSeconds,
    int modifiedNanos,
    @Nullable String linkTarget,
    byte[] rawLinkTarget,
    Path file) {

  /** What an entry is. */
  public enum Kind {
    DIRECTORY,
    FILE,
    /** A regular file whose inode an earlier entry already sent: sent as a link to it. */
    HARDLINK,
    SYMLINK
  }

  private static final int GO_DIR = 1 << 31;
  private static final int GO_SYMLINK = 1 << 27;
  private static final int GO_SETUID = 1 << 23;
  private static final int GO_SETGID = 1 << 22;
  private static final int GO_STICKY = 1 << 20;

  /**
   * The mode as Go's {@code os.FileMode} holds it, which DiffCopy's {@code Stat.mode} carries: the
   * {@code rwx} bits, and type and special bits at Go's own positions (not {@code st_mode}'s).
   */
  public int goMode() {
    int mode = permissions & 0777;
    if ((permissions & 04000) != 0) {
      mode |= GO_SETUID;
    }
    if ((permissions & 02000) != 0) {
      mode |= GO_SETGID;
    }
    if ((permissions & 01000) != 0) {
      mode |= GO_STICKY;
    }
    return switch (kind) {
      case DIRECTORY -> mode | GO_DIR;
      case SYMLINK -> mode | GO_SYMLINK;
      case FILE, HARDLINK -> mode;
    };
  }

  /**
   * The tar header's mode as the CLI writes it: the 12 permission bits with the file type bits of
   * {@code st_mode} (moby's archive adds them, as Go's tar did before 1.9).
   */
  public int tarMode() {
    return switch (kind) {
      case DIRECTORY -> 040000 | permissions;
      case SYMLINK -> 0120000 | permissions;
      case FILE, HARDLINK -> 0100000 | permissions;
    };
  }

  /** Modification time in nanoseconds since the epoch, as DiffCopy sends it (Go's UnixNano). */
  public long modifiedUnixNanos() {
    return modifiedSeconds * 1_000_000_000L + modifiedNanos;
  }
}

package io.github.shipmaven.core;

/** Byte counts as log lines say them. */
public final class Bytes {
  private Bytes() {}

  /** {@code 512 B}, {@code 1.5 kB}, {@code 200.0 MB}. */
  public static String describe(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    return bytes >= 1024 * 1024
        ? String.format("%.1f MB", bytes / (1024.0 * 1024))
        : String.format("%.1f kB", bytes / 1024.0);
  }
}

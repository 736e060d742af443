package io.github.shipmaven.context;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * File names as the file system's bytes. The JVM decodes names with the locale's charset, so under
 * the C locale {@code café.txt} becomes {@code caf??.txt}, and a name that is not UTF-8 loses bytes
 * under any locale; but a listed {@link Path} keeps the bytes (it opens the right file), and its
 * URI spells them out as {@code %XX}. Names are read from there, so the context has the names the
 * CLI sends, whatever the locale Maven runs under.
 */
final class RawNames {
  private RawNames() {}

  /** The last element of a listed path, as bytes. */
  static byte[] fileName(Path path) {
    String raw = path.toAbsolutePath().toUri().getRawPath();
    int end = raw.endsWith("/") && raw.length() > 1 ? raw.length() - 1 : raw.length();
    return decode(raw.substring(raw.lastIndexOf('/', end - 1) + 1, end));
  }

  /** A path as stored (e.g. a symlink's target), as bytes; relative stays relative. */
  static byte[] of(Path path) {
    String text = path.toString();
    boolean absolute = path.isAbsolute();
    // toUri works on absolute paths; a leading "/" is added and taken away again.
    String raw = (absolute ? path : Path.of("/").resolve(path)).toUri().getRawPath();
    if (raw.endsWith("/") && !text.endsWith("/") && raw.length() > 1) {
      raw = raw.substring(0, raw.length() - 1); // toUri marks an existing directory
    }
    byte[] bytes = decode(raw);
    return absolute || bytes.length == 0 ? bytes : Arrays.copyOfRange(bytes, 1, bytes.length);
  }

  static byte[] concat(byte[] prefix, byte[] name) {
    byte[] joined = Arrays.copyOf(prefix, prefix.length + name.length);
    System.arraycopy(name, 0, joined, prefix.length, name.length);
    return joined;
  }

  static byte[] slash(byte[] path) {
    byte[] withSlash = Arrays.copyOf(path, path.length + 1);
    withSlash[path.length] = '/';
    return withSlash;
  }

  /** Undoes a URI path's percent-encoding, to bytes. */
  private static byte[] decode(String raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%' && i + 2 < raw.length() + 0 && i + 2 <= raw.length() - 1) {
        out.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c); // the URI's unescaped characters are ASCII
      }
    }
    return out.toByteArray();
  }
}

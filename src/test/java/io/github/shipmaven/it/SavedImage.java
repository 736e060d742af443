package io.github.shipmaven.it;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Everything {@code docker save} writes for an image, every compressed blob decompressed: the
 * graphdriver store saves layers as plain tars, the containerd store (Docker 29's default) as
 * gzipped OCI blobs, where a secret would not show as its bytes. Integration tests search it for
 * canary values.
 */
public final class SavedImage {
  private SavedImage() {}

  /**
   * The bytes of every file of {@code docker -H host save image}, decompressed where gzipped, as
   * ISO-8859-1 text (one char per byte) for searching.
   */
  public static String content(String host, String image) throws Exception {
    Process save = new ProcessBuilder("docker", "-H", host, "save", image).start();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(save.getInputStream())) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        all.write(entry.getName().getBytes(StandardCharsets.UTF_8));
        all.write('\n');
        byte[] bytes = tar.readAllBytes();
        all.write(gunzipped(bytes));
      }
    }
    String errors = new String(save.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!save.waitFor(120, TimeUnit.SECONDS) || save.exitValue() != 0) {
      throw new IllegalStateException("docker save " + image + " failed: " + errors);
    }
    return all.toString(StandardCharsets.ISO_8859_1);
  }

  private static byte[] gunzipped(byte[] bytes) throws IOException {
    if (bytes.length < 2 || (bytes[0] & 0xff) != 0x1f || (bytes[1] & 0xff) != 0x8b) {
      return bytes;
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return in.readAllBytes();
    }
  }
}

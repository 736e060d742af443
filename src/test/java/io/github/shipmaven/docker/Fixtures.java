package io.github.shipmaven.docker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;

/** The daemon streams captured from real engines (src/test/resources/daemon-streams). */
public final class Fixtures {
  public static final List<String> BUILDKIT =
      List.of(
          "buildkit-good.jsonl",
          "buildkit-cached.jsonl",
          "buildkit-failing-run.jsonl",
          "buildkit-run-mount-cache.jsonl",
          "buildkit-network-bridge-not-found.jsonl",
          "buildkit-pull-base.jsonl",
          "buildkit-base-behind-login.jsonl");

  private Fixtures() {}

  /** A Docker 20.10 stream, byte-exact. */
  public static byte[] docker2010(String name) {
    return read("docker-20.10/" + name);
  }

  /** A Podman 4.3 stream, byte-exact. */
  public static byte[] podman43(String name) {
    return read("podman-4.3/" + name);
  }

  private static byte[] read(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/daemon-streams/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The decoded payloads of a stream's moby.buildkit.trace lines, in order. */
  public static List<byte[]> traces(String name) {
    return new String(docker2010(name), java.nio.charset.StandardCharsets.UTF_8)
        .lines()
        .filter(line -> line.startsWith("{\"id\":\"moby.buildkit.trace\",\"aux\":\""))
        .map(
            line ->
                Base64.getDecoder()
                    .decode(
                        line.substring(
                            "{\"id\":\"moby.buildkit.trace\",\"aux\":\"".length(),
                            line.length() - 2)))
        .toList();
  }
}

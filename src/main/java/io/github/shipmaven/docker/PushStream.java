package io.github.shipmaven.docker;

import io.github.shipmaven.core.Bytes;
import io.github.shipmaven.core.ShipLog;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads the daemon's push progress stream. The daemon answers HTTP 200 and reports failures inside
 * the stream ({@code errorDetail}), so every item is checked. The pushed manifest digest comes in
 * whichever form the engine sends: {@code aux.Digest} (Docker's graphdriver store), or only the
 * status line {@code <tag>: digest: sha256:… size: N} (Docker 29's containerd store, Podman). Logs
 * one line per layer state change, and remembers when a layer last advanced, for the stall watch.
 */
final class PushStream {
  private static final Pattern DIGEST_LINE =
      Pattern.compile("^(\\S+): digest: (sha256:[0-9a-f]{64}) size: [0-9]+$");

  /** A layer's last state and bytes sent, for the log and the stall message. */
  private record Layer(String status, long current, long total) {}

  private final String reference;
  private final String tag;
  private final ShipLog log;
  private final Map<String, Layer> layers = new LinkedHashMap<>();
  private volatile long lastProgress = System.nanoTime();
  private volatile String lastLayer;
  private String auxDigest;
  private String lineDigest;
  private String error;

  PushStream(String reference, String tag, ShipLog log) {
    this.reference = reference;
    this.tag = tag;
    this.log = log;
  }

  void accept(DaemonItem item) {
    if (item.error() != null) {
      error = error == null ? item.error() : error;
      return;
    }
    if (item.aux() != null) {
      acceptAux(item.aux());
      return;
    }
    String status = item.status();
    if (status == null) {
      return;
    }
    Matcher digestLine = DIGEST_LINE.matcher(status.trim());
    if (digestLine.matches() && digestLine.group(1).equals(tag)) {
      lineDigest = digestLine.group(2);
      lastProgress = System.nanoTime();
      log.debug(reference + ": " + status);
      return;
    }
    String id = item.id();
    if (id == null || id.equals(tag)) {
      log.debug(reference + ": " + status);
      return;
    }
    long current = item.current();
    long total = item.total();
    Layer before = layers.put(id, new Layer(status, current, total));
    if (before == null || !before.status().equals(status) || before.current() != current) {
      lastProgress = System.nanoTime();
      lastLayer = id;
    }
    // "Pushing" repeats with every progress tick; only a change of state is worth a line.
    if (before == null || !before.status().equals(status)) {
      log.info(reference + ": layer " + id + " " + status);
    }
  }

  private void acceptAux(Map<?, ?> aux) {
    if (aux.get("Digest") instanceof String digest) {
      auxDigest = digest;
      lastProgress = System.nanoTime();
    } else if (flag(aux, "contentMissing")) {
      // Docker 29's containerd store: content the push needs is in neither the store nor the
      // registry, e.g. a layer of a base image pulled for another platform.
      error = error == null ? "the daemon lacks content the push needs: " + aux : error;
    } else if (flag(aux, "manifestPushedInsteadOfIndex")) {
      log.warn(
          reference
              + ": the daemon pushed a single-platform manifest instead of the image index ("
              + aux
              + "); the registry has only that platform.");
    } else {
      log.debug(reference + ": " + aux);
    }
  }

  /** A boolean aux field; moby writes its field names lower camel case, so the case is ignored. */
  private static boolean flag(Map<?, ?> aux, String name) {
    return aux.entrySet().stream()
        .anyMatch(
            e ->
                name.equalsIgnoreCase(String.valueOf(e.getKey()))
                    && Boolean.TRUE.equals(e.getValue()));
  }

  /** When a layer last advanced (or the stream last confirmed something), in nanoTime terms. */
  long lastProgress() {
    return lastProgress;
  }

  /**
   * What was stuck, for the stall message: {@code layer 577e974730e9 (512 B of 1.0 kB)}; null when
   * the stream named no layer (Podman's never does).
   */
  @Nullable String stuckWhere() {
    String id = lastLayer;
    for (Map.Entry<String, Layer> layer : layers.entrySet()) {
      if (!layer.getValue().status().startsWith("Pushed")
          && !layer.getValue().status().startsWith("Layer already exists")) {
        id = layer.getKey();
        if (layer.getValue().status().startsWith("Pushing")) {
          break;
        }
      }
    }
    if (id == null) {
      return null;
    }
    Layer layer = layers.get(id);
    return "layer "
        + id
        + (layer.total() > 0 && layer.current() <= layer.total()
            ? " (" + Bytes.describe(layer.current()) + " of " + Bytes.describe(layer.total()) + ")"
            : layer.current() > 0
                // Docker counts a small layer's compressed bytes against its raw size
                ? " (" + Bytes.describe(layer.current()) + " sent)"
                : " (" + layer.status() + ")");
  }

  /** The error the stream reported, or null. */
  @Nullable String error() {
    return error;
  }

  /** The pushed manifest digest, or null if the stream never confirmed one or failed. */
  @Nullable String digest() {
    if (error != null) {
      return null;
    }
    return auxDigest != null ? auxDigest : lineDigest;
  }
}

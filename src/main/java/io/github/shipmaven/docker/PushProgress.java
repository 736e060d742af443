package io.github.shipmaven.docker;

import com.github.dockerjava.api.model.ResponseItem;
import io.github.shipmaven.core.ShipLog;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the daemon's push progress stream. The daemon answers HTTP 200 and reports failures inside
 * the stream ({@code errorDetail}), so every item is checked; the item carrying {@code aux.Digest}
 * is the only proof that the registry accepted the manifest. Logs one line per layer state change.
 */
final class PushProgress {
  private final String reference;
  private final ShipLog log;
  private final Map<String, String> layerStates = new HashMap<>();
  private String digest;
  private String error;

  PushProgress(String reference, ShipLog log) {
    this.reference = reference;
    this.log = log;
  }

  void accept(ResponseItem item) {
    String itemError = DaemonStream.errorOf(item);
    if (itemError != null) {
      error = error == null ? itemError : error;
      return;
    }
    if (item.getAux() != null && item.getAux().getDigest() != null) {
      digest = item.getAux().getDigest();
      return;
    }
    String id = item.getId();
    String status = item.getStatus();
    if (status == null) {
      return;
    }
    if (id == null || id.equals(tagOf(reference))) {
      log.debug(reference + ": " + status);
      return;
    }
    // "Pushing" repeats with every progress tick; only a change of state is worth a line.
    if (!status.equals(layerStates.put(id, status))) {
      log.info(reference + ": layer " + id + " " + status);
    }
  }

  /** The error the stream reported, or null. */
  String error() {
    return error;
  }

  /** The pushed manifest digest, or null if the stream never confirmed one. */
  String digest() {
    return error == null ? digest : null;
  }

  private static String tagOf(String reference) {
    return reference.substring(reference.lastIndexOf(':') + 1);
  }
}

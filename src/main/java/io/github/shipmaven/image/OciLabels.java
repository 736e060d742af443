package io.github.shipmaven.image;

import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.git.GitFacts;
import io.github.shipmaven.git.RemoteUrls;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OCI annotations every image gets. {@code created} is the commit time unless {@code
 * SOURCE_DATE_EPOCH} or {@code project.build.outputTimestamp} say otherwise, so two builds of one
 * commit carry identical labels.
 */
public final class OciLabels {
  private OciLabels() {}

  public static Map<String, String> of(
      GitFacts git, String version, String title, Instant created) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("org.opencontainers.image.revision", git.sha());
    if (git.remoteUrl() != null) {
      // Cleaned once more here: the label is pushed with the image, whoever made the facts.
      labels.put("org.opencontainers.image.source", RemoteUrls.withoutCredentials(git.remoteUrl()));
    }
    labels.put("org.opencontainers.image.version", version);
    labels.put("org.opencontainers.image.created", created.toString());
    labels.put("org.opencontainers.image.title", title);
    return labels;
  }

  /**
   * The creation time: {@code SOURCE_DATE_EPOCH} (seconds), else {@code outputTimestamp} (ISO-8601
   * or seconds, as Maven's reproducible builds take it), else the commit time.
   */
  public static Instant created(Map<String, String> env, String outputTimestamp, GitFacts git) {
    String epoch = env.getOrDefault("SOURCE_DATE_EPOCH", "").trim();
    if (!epoch.isEmpty()) {
      try {
        return Instant.ofEpochSecond(Long.parseLong(epoch));
      } catch (NumberFormatException e) {
        throw ShipException.config(
            "SOURCE_DATE_EPOCH '" + epoch + "' is not a number of seconds: fix or unset it.");
      }
    }
    String stamp = outputTimestamp == null ? "" : outputTimestamp.trim();
    if (stamp.length() > 1) { // Maven takes a single character as "not set"
      try {
        return stamp.matches("[0-9]+")
            ? Instant.ofEpochSecond(Long.parseLong(stamp))
            : OffsetDateTime.parse(stamp).toInstant();
      } catch (DateTimeParseException e) {
        throw ShipException.config(
            "project.build.outputTimestamp '"
                + stamp
                + "' is not ISO-8601 (2026-01-01T00:00:00Z) or seconds: fix the property.");
      }
    }
    return git.commitTime();
  }
}

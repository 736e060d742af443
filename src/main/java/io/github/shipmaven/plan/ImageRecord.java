package io.github.shipmaven.plan;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.git.GitFacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code target/ship/image.json}: what the goals of this build know, for later steps and later
 * runs. {@code ship:build} starts it afresh; {@code ship:push} and {@code ship:deploy} add to it.
 */
public final class ImageRecord {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path file;
  private final ObjectNode root;

  private ImageRecord(Path file, ObjectNode root) {
    this.file = file;
    this.root = root;
  }

  /** A new record for {@code image}, replacing what an earlier build left. */
  public static ImageRecord start(Path file, String image) {
    ImageRecord record = new ImageRecord(file, JSON.createObjectNode());
    record.root.put("image", image);
    return record;
  }

  /** The record an earlier goal wrote for {@code image}, or a new one. */
  public static ImageRecord load(Path file, String image) {
    if (Files.isRegularFile(file)) {
      try {
        if (JSON.readTree(file.toFile()) instanceof ObjectNode existing
            && image.equals(existing.path("image").asText())) {
          return new ImageRecord(file, existing);
        }
      } catch (IOException e) {
        // unreadable: start afresh, as if there were none
      }
    }
    return start(file, image);
  }

  public ImageRecord tags(List<String> tags) {
    root.putArray("tags").addAll(tags.stream().map(root::textNode).toList());
    return this;
  }

  public ImageRecord git(GitFacts git) {
    ObjectNode node = root.putObject("git");
    node.put("sha", git.sha());
    node.put("shortSha", git.shortSha());
    node.put("branch", git.branch());
    node.put("dirty", git.dirty());
    return this;
  }

  public ImageRecord imageId(String imageId) {
    root.put("imageId", imageId);
    return this;
  }

  public ImageRecord digest(String digest) {
    root.put("digest", digest);
    return this;
  }

  /**
   * The pushed digest, if it was pushed from commit {@code sha}: a digest left by a build of
   * another commit must never be deployed as this one.
   */
  public Optional<String> digestOf(String sha) {
    return root.path("digest").isTextual() && sha.equals(root.path("git").path("sha").asText())
        ? Optional.of(root.get("digest").asText())
        : Optional.empty();
  }

  public ImageRecord deploy(String id, String status, String url) {
    ObjectNode node = root.putObject("deploy");
    node.put("id", id);
    node.put("status", status);
    node.put("url", url);
    return this;
  }

  public void write() {
    try {
      Files.createDirectories(file.getParent());
      JSON.writeValue(file.toFile(), root);
    } catch (IOException e) {
      throw ShipException.failed("Could not write " + file + ": " + e.getMessage(), e);
    }
  }
}

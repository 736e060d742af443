package io.github.shipmaven.plan;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.docker.StreamJson;
import io.github.shipmaven.git.GitFacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code target/ship/image.json}: what the goals of this build know, for later steps and later
 * runs. {@code ship:build} starts it afresh; {@code ship:push} and {@code ship:deploy} add to it.
 *
 * <p>Read and written with Jackson's streaming parser and generator, not its ObjectMapper: a {@code
 * ship:deploy} on its own needs nothing else of jackson-databind, whose ~300 classes cost a fresh
 * JVM ~0.1 s of CPU. Fields the goals do not know are kept as they were.
 */
public final class ImageRecord {
  private final Path file;
  private final Map<String, Object> root;

  /** A number as written in the file, kept as text so that it is written back unchanged. */
  private record NumberText(String text) {}

  private ImageRecord(Path file, Map<String, Object> root) {
    this.file = file;
    this.root = root;
  }

  /** A new record for {@code image}, replacing what an earlier build left. */
  public static ImageRecord start(Path file, String image) {
    ImageRecord record = new ImageRecord(file, new LinkedHashMap<>());
    record.root.put("image", image);
    return record;
  }

  /** The record an earlier goal wrote for {@code image}, or a new one. */
  public static ImageRecord load(Path file, String image) {
    if (Files.isRegularFile(file)) {
      try (JsonParser parser = StreamJson.FACTORY.createParser(file.toFile())) {
        JsonToken first = parser.nextToken();
        if (first != null
            && StreamJson.value(parser, first, p -> new NumberText(p.getText()))
                instanceof Map<?, ?> existing
            && image.equals(existing.get("image"))) {
          @SuppressWarnings("unchecked")
          Map<String, Object> fields = (Map<String, Object>) existing;
          return new ImageRecord(file, fields);
        }
      } catch (IOException e) {
        // unreadable: start afresh, as if there were none
      }
    }
    return start(file, image);
  }

  public ImageRecord tags(List<String> tags) {
    root.put("tags", List.copyOf(tags));
    return this;
  }

  public ImageRecord git(GitFacts git) {
    Map<String, Object> node = new LinkedHashMap<>();
    node.put("sha", git.sha());
    node.put("shortSha", git.shortSha());
    node.put("branch", git.branch());
    node.put("dirty", git.dirty());
    root.put("git", node);
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
    return root.get("digest") instanceof String digest
            && root.get("git") instanceof Map<?, ?> git
            && sha.equals(git.get("sha"))
        ? Optional.of(digest)
        : Optional.empty();
  }

  public ImageRecord deploy(String id, String status, String url) {
    Map<String, Object> node = new LinkedHashMap<>();
    node.put("id", id);
    node.put("status", status);
    node.put("url", url);
    root.put("deploy", node);
    return this;
  }

  public void write() {
    try {
      Files.createDirectories(file.getParent());
      try (JsonGenerator out =
          StreamJson.FACTORY
              .createGenerator(file.toFile(), JsonEncoding.UTF8)
              .useDefaultPrettyPrinter()) {
        write(out, root);
      }
    } catch (IOException e) {
      throw ShipException.failed("Could not write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void write(JsonGenerator out, Object value) throws IOException {
    if (value instanceof Map<?, ?> fields) {
      out.writeStartObject();
      for (Map.Entry<?, ?> field : fields.entrySet()) {
        out.writeFieldName((String) field.getKey());
        write(out, field.getValue());
      }
      out.writeEndObject();
    } else if (value instanceof List<?> items) {
      out.writeStartArray();
      for (Object item : items) {
        write(out, item);
      }
      out.writeEndArray();
    } else if (value instanceof String text) {
      out.writeString(text);
    } else if (value instanceof Boolean flag) {
      out.writeBoolean(flag);
    } else if (value instanceof NumberText number) {
      out.writeNumber(number.text());
    } else {
      out.writeNull();
    }
  }
}

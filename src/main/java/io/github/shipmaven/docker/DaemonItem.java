package io.github.shipmaven.docker;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One object of a daemon's JSON progress stream (a push), as the plugin reads it: read with
 * Jackson's streaming parser. docker-java reads the same stream into its {@code ResponseItem} with
 * an object mapper, whose set-up, deserializers and docker-java's client cost a fresh JVM ~900
 * classes (Jackson databind, docker-java's whole command tree, Guava) for a stream of a dozen
 * lines.
 *
 * @param status {@code status}, e.g. {@code Pushing} or {@code latest: digest: sha256:… size: 527}
 * @param id {@code id}: a layer, or the tag
 * @param current {@code progressDetail.current}, 0 if absent
 * @param total {@code progressDetail.total}, 0 if absent
 * @param error the error the item reports ({@code errorDetail.message}, else {@code error}),
 *     stripped; null if none
 * @param aux the {@code aux} object (nested objects as maps, arrays as lists), null if none
 */
record DaemonItem(
    @Nullable String status,
    @Nullable String id,
    long current,
    long total,
    @Nullable String error,
    @Nullable Map<String, Object> aux) {

  /** Reads the stream's objects one by one, to its end, handing each to {@code consumer}. */
  static void read(InputStream in, Consumer<DaemonItem> consumer) throws IOException {
    try (JsonParser parser = StreamJson.FACTORY.createParser(in)) {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if (token == JsonToken.START_OBJECT) {
          consumer.accept(item(parser));
        } else {
          parser.skipChildren();
        }
      }
    }
  }

  private static DaemonItem item(JsonParser parser) throws IOException {
    String status = null;
    String id = null;
    long current = 0;
    long total = 0;
    String error = null;
    String detail = null;
    Map<String, Object> aux = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (field) {
        case "status" -> status = text(parser, value);
        case "id" -> id = text(parser, value);
        case "error" -> error = text(parser, value);
        case "errorDetail" -> detail = StreamJson.field(parser, "message");
        case "progressDetail" -> {
          if (value == JsonToken.START_OBJECT) {
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
              String name = parser.currentName();
              JsonToken number = parser.nextToken();
              long n = number == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : 0;
              if (name.equals("current")) {
                current = n;
              } else if (name.equals("total")) {
                total = n;
              } else {
                parser.skipChildren();
              }
            }
          } else {
            parser.skipChildren();
          }
        }
        case "aux" -> {
          if (StreamJson.value(parser, value, DaemonItem::number) instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = (Map<String, Object>) map;
            aux = fields;
          }
        }
        default -> parser.skipChildren();
      }
    }
    // Podman ends its messages with a newline; the user's error is one line.
    String message = detail != null ? detail : error;
    return new DaemonItem(
        status, id, current, total, message == null ? null : message.strip(), aux);
  }

  private static @Nullable String text(JsonParser parser, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return parser.getText();
    }
    parser.skipChildren();
    return null;
  }

  /** A number as a long, or a double if it has a fraction or an exponent. */
  private static Object number(JsonParser parser) throws IOException {
    return parser.currentToken() == JsonToken.VALUE_NUMBER_INT
        ? parser.getLongValue()
        : parser.getDoubleValue();
  }
}

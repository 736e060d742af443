package io.github.shipmaven.docker;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.EOFException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * JSON through Jackson's streaming API only: the build path writes a few maps and reads a stream of
 * small objects, and an object mapper's first use costs a fresh JVM ~100 ms of class loading.
 */
public final class StreamJson {
  public static final JsonFactory FACTORY = new JsonFactory();

  private StreamJson() {}

  /** {@code {"k":"v",…}}. */
  public static String object(Map<String, String> map) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      json.writeStartObject();
      for (Map.Entry<String, String> entry : map.entrySet()) {
        json.writeStringField(entry.getKey(), entry.getValue());
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  /** {@code ["a",…]}. */
  public static String array(List<String> values) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      json.writeStartArray();
      for (String value : values) {
        json.writeString(value);
      }
      json.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * With the parser on the {@code START_OBJECT} of an object, the string value of its field {@code
   * name} (null if absent or not a string); leaves the parser on the object's end.
   */
  public static @Nullable String field(JsonParser parser, String name) throws IOException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      parser.skipChildren();
      return null;
    }
    String found = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (field.equals(name) && value == JsonToken.VALUE_STRING) {
        found = parser.getText();
      } else {
        parser.skipChildren();
      }
    }
    return found;
  }

  /** How {@link #value} reads a number, the parser on it. */
  @FunctionalInterface
  public interface Numbers {
    Object read(JsonParser parser) throws IOException;
  }

  /**
   * The value starting at {@code token}: objects as maps (in order), arrays as lists, strings,
   * booleans, null, and numbers as {@code numbers} reads them; leaves the parser on its last token.
   *
   * @throws EOFException if the input ends first
   */
  public static @Nullable Object value(
      JsonParser parser, @Nullable JsonToken token, Numbers numbers) throws IOException {
    if (token == null) {
      throw new EOFException("unexpected end of " + parser.currentLocation());
    }
    switch (token) {
      case START_OBJECT -> {
        Map<String, @Nullable Object> fields = new LinkedHashMap<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
          String name = parser.currentName();
          fields.put(name, value(parser, parser.nextToken(), numbers));
        }
        return fields;
      }
      case START_ARRAY -> {
        List<@Nullable Object> items = new ArrayList<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
          items.add(value(parser, t, numbers));
        }
        return items;
      }
      case VALUE_STRING -> {
        return parser.getText();
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return parser.getBooleanValue();
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return numbers.read(parser);
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw new IOException("unexpected " + token + " at " + parser.currentLocation());
    }
  }
}

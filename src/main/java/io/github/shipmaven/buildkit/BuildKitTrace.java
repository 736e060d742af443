package io.github.shipmaven.buildkit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One BuildKit status update: the base64 payload of a {@code moby.buildkit.trace} line, a protobuf
 * {@code moby.buildkit.v1.StatusResponse} (moby/buildkit {@code
 * api/services/control/control.proto}; src/test/protobuf holds the fields read here, and the tests
 * check this reader against protoc's).
 *
 * <p>Read by hand rather than with protobuf-java: its first decode costs a fresh JVM ~100 ms (108
 * classes from the runtime and the generated code, ~250 more from the JDK) where this costs ~2 ms,
 * and every BuildKit build pays it. Four messages of scalars, strings and timestamps need little of
 * the wire format: varints, length-delimited fields, and skipping the rest.
 *
 * @param vertexes the steps that changed
 * @param statuses progress items of steps (transfers, export phases)
 * @param logs output of steps
 * @param warnings warnings of steps (BuildKit 0.10+, Docker 23+)
 */
record BuildKitTrace(
    List<Vertex> vertexes, List<Status> statuses, List<Log> logs, List<Warning> warnings) {

  /** A step; the same digest arrives again each time its state changes. Absent times are null. */
  record Vertex(
      String digest,
      String name,
      boolean cached,
      Instant started,
      Instant completed,
      String error) {}

  /** A progress item of step {@code vertex}; {@code current}/{@code total} count bytes, if any. */
  record Status(
      String id,
      String vertex,
      String name,
      long current,
      long total,
      Instant started,
      Instant completed) {}

  /** Output of step {@code vertex}: {@code stream} 1 is stdout, 2 stderr. */
  record Log(String vertex, long stream, byte[] message) {}

  /** A warning about step {@code vertex}. */
  record Warning(String vertex, long level, byte[] summary, List<byte[]> detail, String url) {}

  private static final int VARINT = 0;
  private static final int FIXED64 = 1;
  private static final int LENGTH_DELIMITED = 2;
  private static final int FIXED32 = 5;

  /**
   * Decodes a {@code StatusResponse}.
   *
   * @throws IllegalArgumentException if the bytes are not one
   */
  static BuildKitTrace decode(byte[] bytes) {
    Reader in = new Reader(bytes, 0, bytes.length);
    List<Vertex> vertexes = new ArrayList<>();
    List<Status> statuses = new ArrayList<>();
    List<Log> logs = new ArrayList<>();
    List<Warning> warnings = new ArrayList<>();
    while (in.more()) {
      int tag = in.tag();
      switch (tag) {
        case 1 << 3 | LENGTH_DELIMITED -> vertexes.add(in.message().vertex());
        case 2 << 3 | LENGTH_DELIMITED -> statuses.add(in.message().status());
        case 3 << 3 | LENGTH_DELIMITED -> logs.add(in.message().log());
        case 4 << 3 | LENGTH_DELIMITED -> warnings.add(in.message().warning());
        default -> in.skip(tag);
      }
    }
    return new BuildKitTrace(vertexes, statuses, logs, warnings);
  }

  /** Reads the protobuf wire format from {@code bytes[position..end)}. */
  private static final class Reader {
    private final byte[] bytes;
    private final int end;
    private int position;

    Reader(byte[] bytes, int position, int end) {
      this.bytes = bytes;
      this.position = position;
      this.end = end;
    }

    boolean more() {
      return position < end;
    }

    Vertex vertex() {
      String digest = "";
      String name = "";
      boolean cached = false;
      Instant started = null;
      Instant completed = null;
      String error = "";
      while (more()) {
        int tag = tag();
        switch (tag) {
          case 1 << 3 | LENGTH_DELIMITED -> digest = string();
          case 3 << 3 | LENGTH_DELIMITED -> name = string();
          case 4 << 3 | VARINT -> cached = varint() != 0;
          case 5 << 3 | LENGTH_DELIMITED -> started = message().timestamp();
          case 6 << 3 | LENGTH_DELIMITED -> completed = message().timestamp();
          case 7 << 3 | LENGTH_DELIMITED -> error = string();
          default -> skip(tag);
        }
      }
      return new Vertex(digest, name, cached, started, completed, error);
    }

    Status status() {
      String id = "";
      String vertex = "";
      String name = "";
      long current = 0;
      long total = 0;
      Instant started = null;
      Instant completed = null;
      while (more()) {
        int tag = tag();
        switch (tag) {
          case 1 << 3 | LENGTH_DELIMITED -> id = string();
          case 2 << 3 | LENGTH_DELIMITED -> vertex = string();
          case 3 << 3 | LENGTH_DELIMITED -> name = string();
          case 4 << 3 | VARINT -> current = varint();
          case 5 << 3 | VARINT -> total = varint();
          case 7 << 3 | LENGTH_DELIMITED -> started = message().timestamp();
          case 8 << 3 | LENGTH_DELIMITED -> completed = message().timestamp();
          default -> skip(tag);
        }
      }
      return new Status(id, vertex, name, current, total, started, completed);
    }

    Log log() {
      String vertex = "";
      long stream = 0;
      byte[] message = new byte[0];
      while (more()) {
        int tag = tag();
        switch (tag) {
          case 1 << 3 | LENGTH_DELIMITED -> vertex = string();
          case 3 << 3 | VARINT -> stream = varint();
          case 4 << 3 | LENGTH_DELIMITED -> message = bytes();
          default -> skip(tag);
        }
      }
      return new Log(vertex, stream, message);
    }

    Warning warning() {
      String vertex = "";
      long level = 0;
      byte[] summary = new byte[0];
      List<byte[]> detail = new ArrayList<>();
      String url = "";
      while (more()) {
        int tag = tag();
        switch (tag) {
          case 1 << 3 | LENGTH_DELIMITED -> vertex = string();
          case 2 << 3 | VARINT -> level = varint();
          case 3 << 3 | LENGTH_DELIMITED -> summary = bytes();
          case 4 << 3 | LENGTH_DELIMITED -> detail.add(bytes());
          case 5 << 3 | LENGTH_DELIMITED -> url = string();
          default -> skip(tag);
        }
      }
      return new Warning(vertex, level, summary, detail, url);
    }

    /** A {@code google.protobuf.Timestamp}: seconds = 1, nanos = 2. */
    Instant timestamp() {
      long seconds = 0;
      long nanos = 0;
      while (more()) {
        int tag = tag();
        switch (tag) {
          case 1 << 3 | VARINT -> seconds = varint();
          case 2 << 3 | VARINT -> nanos = varint();
          default -> skip(tag);
        }
      }
      return Instant.ofEpochSecond(seconds, nanos);
    }

    int tag() {
      long tag = varint();
      if (tag >>> 3 == 0 || tag > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("invalid field tag " + tag + " at byte " + position);
      }
      return (int) tag;
    }

    long varint() {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (position >= end) {
          throw new IllegalArgumentException("message ends inside a varint");
        }
        byte b = bytes[position++];
        value |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          return value;
        }
      }
      throw new IllegalArgumentException("varint longer than 10 bytes at byte " + position);
    }

    private int length() {
      long length = varint();
      if (length < 0 || length > end - position) {
        throw new IllegalArgumentException(
            "field of " + length + " bytes at byte " + position + " passes the end");
      }
      return (int) length;
    }

    Reader message() {
      int length = length();
      Reader inner = new Reader(bytes, position, position + length);
      position += length;
      return inner;
    }

    String string() {
      int length = length();
      String value = new String(bytes, position, length, StandardCharsets.UTF_8);
      position += length;
      return value;
    }

    byte[] bytes() {
      int length = length();
      byte[] value = Arrays.copyOfRange(bytes, position, position + length);
      position += length;
      return value;
    }

    /** Skips a field this reader does not use. */
    void skip(int tag) {
      int length =
          switch (tag & 7) {
            case VARINT -> {
              varint();
              yield 0;
            }
            case FIXED64 -> 8;
            case LENGTH_DELIMITED -> length();
            case FIXED32 -> 4;
            default ->
                throw new IllegalArgumentException(
                    "unsupported wire type " + (tag & 7) + " at byte " + position);
          };
      if (length > end - position) {
        throw new IllegalArgumentException("field passes the end of the message");
      }
      position += length;
    }
  }
}

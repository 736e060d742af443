package io.github.shipmaven.buildkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The protobuf wire format, as much as the session's messages need: varints and length-delimited
 * fields (strings, bytes, nested messages), everything else skipped when read. Every message
 * BuildKit exchanges with a session (DiffCopy's packets, Health, and the Secrets, SSH and Auth
 * services) has only such fields, so no generated code and no protobuf-java are needed on the
 * build's path.
 */
public final class ProtoWire {
  public static final int VARINT = 0;
  public static final int FIXED64 = 1;
  public static final int LENGTH_DELIMITED = 2;
  public static final int FIXED32 = 5;

  private ProtoWire() {}

  /** The tag of field {@code number} with wire type {@code type}. */
  public static int tag(int number, int type) {
    return number << 3 | type;
  }

  /** Reads one message; a malformed one fails with {@link IllegalArgumentException}. */
  public static final class Reader {
    private final byte[] bytes;
    private final int end;
    private int position;

    public Reader(byte[] bytes) {
      this(bytes, 0, bytes.length);
    }

    private Reader(byte[] bytes, int position, int end) {
      this.bytes = bytes;
      this.position = position;
      this.end = end;
    }

    /** Whether a field follows. */
    public boolean more() {
      return position < end;
    }

    /** The next field's tag: {@code number << 3 | wire type}. */
    public int tag() {
      long tag = varint();
      if (tag >>> 3 == 0 || tag > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("bad protobuf tag " + tag);
      }
      return (int) tag;
    }

    public long varint() {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (position >= end) {
          throw new IllegalArgumentException("protobuf varint cut short");
        }
        byte b = bytes[position++];
        value |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          return value;
        }
      }
      throw new IllegalArgumentException("protobuf varint too long");
    }

    /** A length-delimited field's bytes. */
    public byte[] bytes() {
      int length = length();
      byte[] value = Arrays.copyOfRange(bytes, position, position + length);
      position += length;
      return value;
    }

    public String string() {
      int length = length();
      String value = new String(bytes, position, length, StandardCharsets.UTF_8);
      position += length;
      return value;
    }

    /** A nested message, read in place. */
    public Reader message() {
      int length = length();
      Reader nested = new Reader(bytes, position, position + length);
      position += length;
      return nested;
    }

    /** Skips the value of a field with {@code tag}. */
    public void skip(int tag) {
      switch (tag & 7) {
        case VARINT -> varint();
        case FIXED64 -> advance(8);
        case LENGTH_DELIMITED -> advance(length());
        case FIXED32 -> advance(4);
        default -> throw new IllegalArgumentException("protobuf wire type " + (tag & 7));
      }
    }

    private int length() {
      long length = varint();
      if (length < 0 || length > end - position) {
        throw new IllegalArgumentException("protobuf length " + length + " past the message end");
      }
      return (int) length;
    }

    private void advance(int n) {
      if (n > end - position) {
        throw new IllegalArgumentException("protobuf field cut short");
      }
      position += n;
    }
  }

  /** Writes one message. Fields at their default (0, empty) are left out, as proto3 does. */
  public static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

    public Writer varint(int number, long value) {
      if (value != 0) {
        rawVarint(tag(number, VARINT));
        rawVarint(value);
      }
      return this;
    }

    public Writer bool(int number, boolean value) {
      return varint(number, value ? 1 : 0);
    }

    public Writer bytes(int number, byte[] value) {
      return bytes(number, value, 0, value.length);
    }

    public Writer bytes(int number, byte[] value, int offset, int length) {
      if (length > 0) {
        rawVarint(tag(number, LENGTH_DELIMITED));
        rawVarint(length);
        out.write(value, offset, length);
      }
      return this;
    }

    public Writer string(int number, String value) {
      return bytes(number, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A nested message; written even when empty (its presence can matter). */
    public Writer message(int number, Writer message) {
      byte[] value = message.toByteArray();
      rawVarint(tag(number, LENGTH_DELIMITED));
      rawVarint(value.length);
      out.write(value, 0, value.length);
      return this;
    }

    public byte[] toByteArray() {
      return out.toByteArray();
    }

    private void rawVarint(long value) {
      while ((value & ~0x7fL) != 0) {
        out.write((int) (value & 0x7f) | 0x80);
        value >>>= 7;
      }
      out.write((int) value);
    }
  }
}

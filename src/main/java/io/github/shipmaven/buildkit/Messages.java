package io.github.shipmaven.buildkit;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * What a session service sees of one call: its metadata, the request messages, and a way to answer.
 * {@link GrpcCall} on the session; a list in unit tests, so that each service is tested without a
 * daemon.
 */
interface Messages {
  /** The next request message, or null when the daemon has sent its last. */
  byte[] read() throws IOException, GrpcException;

  /** Sends one response message. */
  void write(byte[] message) throws IOException;

  /** The first value of metadata {@code key} (lower case), or null. */
  @Nullable String metadata(String key);

  /** The call's messages. */
  static Messages of(GrpcCall call) {
    return new Messages() {
      @Override
      public byte[] read() throws IOException, GrpcException {
        return call.read();
      }

      @Override
      public void write(byte[] message) throws IOException {
        call.write(message);
      }

      @Override
      public @Nullable String metadata(String key) {
        return call.metadata(key);
      }
    };
  }

  /**
   * The one request of a unary call; a call without one is a broken client's.
   *
   * @throws GrpcException INVALID_ARGUMENT when the daemon sent none
   */
  static byte[] request(Messages call) throws IOException, GrpcException {
    byte[] request = call.read();
    if (request == null) {
      throw new GrpcException(GrpcException.INVALID_ARGUMENT, "no request message");
    }
    return request;
  }

  /**
   * The string field {@code number} of a message (the last one, as protobuf reads a repeated
   * scalar), or "" if absent.
   *
   * @throws GrpcException INVALID_ARGUMENT if the message is not protobuf
   */
  static String stringField(byte[] message, int number) throws GrpcException {
    String value = "";
    try {
      ProtoWire.Reader reader = new ProtoWire.Reader(message);
      while (reader.more()) {
        int tag = reader.tag();
        if (tag == ProtoWire.tag(number, ProtoWire.LENGTH_DELIMITED)) {
          value = reader.string();
        } else {
          reader.skip(tag);
        }
      }
    } catch (IllegalArgumentException e) {
      throw new GrpcException(GrpcException.INVALID_ARGUMENT, e.getMessage());
    }
    return value;
  }

  /** The bytes field {@code number} of a message, or an empty array if absent. */
  static byte[] bytesField(byte[] message, int number) throws GrpcException {
    byte[] value = new byte[0];
    try {
      ProtoWire.Reader reader = new ProtoWire.Reader(message);
      while (reader.more()) {
        int tag = reader.tag();
        if (tag == ProtoWire.tag(number, ProtoWire.LENGTH_DELIMITED)) {
          value = reader.bytes();
        } else {
          reader.skip(tag);
        }
      }
    } catch (IllegalArgumentException e) {
      throw new GrpcException(GrpcException.INVALID_ARGUMENT, e.getMessage());
    }
    return value;
  }
}

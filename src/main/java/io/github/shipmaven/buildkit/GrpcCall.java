package io.github.shipmaven.buildkit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import okhttp3.Headers;
import okhttp3.internal.http2.Header;
import okhttp3.internal.http2.Http2Stream;
import okio.BufferedSink;
import okio.BufferedSource;
import okio.Okio;
import org.jspecify.annotations.Nullable;

/**
 * One gRPC call the daemon made on the session: its metadata, the request messages as they come,
 * and the responses. Blocking: {@link #read()} waits for the next message, {@link #write} waits
 * while the daemon's flow-control window is full (so a large file never queues whole in memory).
 * Reads and writes may run on two threads at once (a bidirectional stream); writes on one.
 */
public final class GrpcCall {
  /** Docker 28's limit (20.10's is 4 MiB): nothing the session receives comes near either. */
  static final int MAX_MESSAGE = 16 * 1024 * 1024;

  private final Http2Stream stream;
  private final Headers metadata;
  private final BufferedSource in;
  private final BufferedSink out;
  private boolean headersSent;
  private boolean finished;
  private volatile Tap tap = Tap.NONE;

  /** Sees every message of a call (the tests' recorder of real daemons' exchanges). */
  interface Tap {
    Tap NONE = (fromDaemon, message) -> {};

    void message(boolean fromDaemon, byte[] message);
  }

  GrpcCall(Http2Stream stream, Headers metadata) {
    this.stream = stream;
    this.metadata = metadata;
    this.in = Okio.buffer(stream.getSource());
    this.out = Okio.buffer(stream.getSink());
  }

  /** The method called, {@code /<package>.<Service>/<Method>}. */
  public String path() {
    String path = metadata.get(":path");
    return path == null ? "" : path;
  }

  /** Every metadata pair as the daemon sent it, pseudo-headers included. */
  Headers allMetadata() {
    return metadata;
  }

  void tap(Tap tap) {
    this.tap = tap;
  }

  /** The first value of metadata {@code key} (lower case), or null. */
  public @Nullable String metadata(String key) {
    return metadata.get(key);
  }

  /** Every value of metadata {@code key} (lower case), in order; empty if none. */
  public List<String> metadataValues(String key) {
    return metadata.values(key);
  }

  /**
   * The next request message, or null when the daemon has sent its last.
   *
   * @throws IOException if the call broke
   * @throws GrpcException if the message is too large or compressed in a way not offered
   */
  public byte[] read() throws IOException, GrpcException {
    if (in.exhausted()) {
      return null;
    }
    byte compressed = in.readByte();
    long length = in.readInt() & 0xffffffffL;
    if (length > MAX_MESSAGE) {
      throw new GrpcException(
          GrpcException.RESOURCE_EXHAUSTED,
          "received message larger than max (" + length + " vs. " + MAX_MESSAGE + ")");
    }
    byte[] message = in.readByteArray(length);
    if (compressed == 0) {
      tap.message(true, message);
      return message;
    }
    String encoding = metadata.get("grpc-encoding");
    if (!"gzip".equals(encoding)) {
      throw new GrpcException(
          GrpcException.UNIMPLEMENTED, "message compressed with " + encoding + ", not offered");
    }
    try (InputStream gzip = new GZIPInputStream(new ByteArrayInputStream(message))) {
      byte[] inflated = gzip.readNBytes(MAX_MESSAGE + 1);
      tap.message(true, inflated);
      return inflated;
    }
  }

  /** Sends one response message, at once. */
  public void write(byte[] message) throws IOException {
    write(message, true);
  }

  /**
   * Sends one response message; with {@code flush} false it may wait in a small buffer for the next
   * one (many small messages then share frames).
   */
  public void write(byte[] message, boolean flush) throws IOException {
    tap.message(false, message);
    sendHeaders();
    out.writeByte(0);
    out.writeInt(message.length);
    out.write(message);
    if (flush) {
      out.flush();
    }
  }

  private void sendHeaders() throws IOException {
    if (!headersSent) {
      headersSent = true;
      stream.writeHeaders(
          List.of(new Header(":status", "200"), new Header("content-type", "application/grpc")),
          false,
          true);
    }
  }

  /** Ends the call with {@code code} (0 is OK); a call already ended stays so. */
  void finish(int code, @Nullable String message) throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    String status = Integer.toString(code);
    if (!headersSent) {
      // Trailers-only: one HEADERS frame that ends the stream.
      headersSent = true;
      List<Header> headers =
          message == null || message.isEmpty()
              ? List.of(
                  new Header(":status", "200"),
                  new Header("content-type", "application/grpc"),
                  new Header("grpc-status", status))
              : List.of(
                  new Header(":status", "200"),
                  new Header("content-type", "application/grpc"),
                  new Header("grpc-status", status),
                  new Header("grpc-message", percentEncoded(message)));
      stream.writeHeaders(headers, true, true);
      return;
    }
    Headers.Builder trailers = new Headers.Builder().add("grpc-status", status);
    if (message != null && !message.isEmpty()) {
      trailers.add("grpc-message", percentEncoded(message));
    }
    stream.enqueueTrailers(trailers.build());
    out.close(); // flushes what is buffered, then the trailers end the stream
  }

  /** Abandons the call: the daemon sees it reset (it went away, or the session is closing). */
  void cancel() {
    stream.cancel();
  }

  /** gRPC's encoding of {@code grpc-message}: printable ASCII as is, the rest as %XX of UTF-8. */
  static String percentEncoded(String message) {
    StringBuilder encoded = new StringBuilder();
    for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
      if (b >= 0x20 && b < 0x7f && b != '%') {
        encoded.append((char) b);
      } else {
        encoded.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
      }
    }
    return encoded.toString();
  }
}

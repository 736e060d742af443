package io.github.shipmaven.buildkit;

import io.github.shipmaven.docker.ScriptedDaemon;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.Headers;
import okhttp3.internal.concurrent.TaskRunner;
import okhttp3.internal.connection.BufferedSocket;
import okhttp3.internal.http2.ErrorCode;
import okhttp3.internal.http2.Header;
import okhttp3.internal.http2.Http2Connection;
import okhttp3.internal.http2.Http2Stream;
import okio.BufferedSink;
import okio.BufferedSource;
import okio.Okio;

/**
 * The daemon's side of a BuildKit session, for a {@link ScriptedDaemon}: it answers {@code POST
 * /session} with 101 and then, as the daemon does, is the gRPC client on that connection (okhttp's
 * HTTP/2 in client mode), calling the plugin's session the way a recorded daemon did.
 */
final class DaemonSession implements AutoCloseable {
  private final CompletableFuture<Http2Connection> connection = new CompletableFuture<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile String headers;

  /** Installs itself on {@code daemon} for the next {@code POST /session}. */
  static DaemonSession on(ScriptedDaemon daemon) {
    DaemonSession session = new DaemonSession();
    daemon.on(
        "POST /session",
        (request, reply) -> {
          session.headers = request.head();
          reply.switchProtocols("h2c");
          Http2Connection client =
              new Http2Connection.Builder(true, TaskRunner.INSTANCE)
                  .socket(new Streams(reply.in(), reply.out()), "daemon")
                  .build();
          client.start();
          session.connection.complete(client);
          session.closed.await(60, TimeUnit.SECONDS);
          client.close();
        });
    return session;
  }

  /** The head of the session request, for its headers. */
  String requestHead() {
    return headers;
  }

  /** Calls {@code path} with {@code metadata}; the call's messages go and come through it. */
  Call call(String path, List<String[]> metadata) throws Exception {
    Http2Connection client = connection.get(10, TimeUnit.SECONDS);
    List<Header> request = new ArrayList<>();
    request.add(new Header(":method", "POST"));
    request.add(new Header(":scheme", "http"));
    request.add(new Header(":path", path));
    request.add(new Header(":authority", "session"));
    for (String[] pair : metadata) {
      request.add(new Header(pair[0], pair[1]));
    }
    Http2Stream stream = client.newStream(request, true);
    client.flush(); // okhttp holds a request's headers back until its body starts
    return new Call(stream);
  }

  @Override
  public void close() {
    closed.countDown();
  }

  /** One call, from the daemon's side. */
  static final class Call {
    private final Http2Stream stream;
    private final BufferedSink out;
    private final BufferedSource in;
    private Headers responseHeaders;

    Call(Http2Stream stream) {
      this.stream = stream;
      this.out = Okio.buffer(stream.getSink());
      this.in = Okio.buffer(stream.getSource());
    }

    void send(byte[] message) throws IOException {
      out.writeByte(0).writeInt(message.length).write(message).flush();
    }

    /** The next response message, or null at the end of the responses. */
    byte[] receive() throws IOException {
      if (responseHeaders == null) {
        responseHeaders = stream.takeHeaders(false);
      }
      if (in.exhausted()) {
        return null;
      }
      in.readByte();
      return in.readByteArray(in.readInt());
    }

    void halfClose() throws IOException {
      out.close();
    }

    /** Resets the call, as grpc-go's client does with one whose response it cannot read. */
    void reset() throws IOException {
      stream.close(ErrorCode.CANCEL, null);
    }

    /**
     * {@code grpc-status} and {@code grpc-message}, from the trailers (or a trailers-only answer).
     */
    String status() throws IOException {
      if (responseHeaders == null) {
        responseHeaders = stream.takeHeaders(false);
      }
      Headers trailers =
          responseHeaders.get("grpc-status") != null ? responseHeaders : stream.peekTrailers();
      while (trailers == null) {
        in.exhausted();
        trailers = stream.peekTrailers();
      }
      String message = trailers.get("grpc-message");
      return trailers.get("grpc-status") + (message == null ? "" : " " + message);
    }
  }

  private record Streams(BufferedSource getSource, BufferedSink getSink) implements BufferedSocket {
    Streams(InputStream in, OutputStream out) {
      this(Okio.buffer(Okio.source(in)), Okio.buffer(Okio.sink(out)));
    }

    @Override
    public void cancel() {
      try {
        getSource.close();
      } catch (IOException ignored) {
        // closing a broken connection
      }
    }
  }
}

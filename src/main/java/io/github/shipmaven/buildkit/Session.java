package io.github.shipmaven.buildkit;

import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.docker.DockerConnector;
import io.github.shipmaven.docker.DockerDaemon;
import io.github.shipmaven.docker.UpgradedConnection;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Headers;
import okhttp3.internal.concurrent.TaskRunner;
import okhttp3.internal.connection.BufferedSocket;
import okhttp3.internal.http2.Http2Connection;
import okhttp3.internal.http2.Http2Stream;
import okio.BufferedSink;
import okio.BufferedSource;
import okio.Okio;
import org.jspecify.annotations.Nullable;

/**
 * A BuildKit session, as the docker CLI opens one for each build: {@code POST /session} upgraded to
 * HTTP/2 (h2c), after which the <em>daemon</em> is the gRPC client and this side the server.
 * BuildKit calls back on it for what the build needs from the client: the context and Dockerfile
 * (FileSync), and, by services added per build, secrets, SSH agents and registry logins. Health is
 * always served: the daemon checks it every second or five and drops a session that does not answer
 * OK.
 *
 * <p>HTTP/2 is okhttp's own (the plugin ships okhttp for Render): its connection runs in server
 * mode on the upgraded connection, with HTTP/2's flow control; the gRPC framing on top is a few
 * lines ({@link GrpcCall}). Methods are plain byte handlers ({@link GrpcMethod}); their messages
 * are read and written with {@link ProtoWire}.
 *
 * <p>The session lives as long as the build's answer stream: the builder closes it when the stream
 * ends. If the daemon ends it first, {@link #ended()} says so, for the build's error line.
 */
public final class Session implements AutoCloseable {
  static final String HEALTH_CHECK = "/grpc.health.v1.Health/Check";
  private static final String ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String id;
  private final UpgradedConnection connection;
  private final Map<String, GrpcMethod> methods;
  private final ShipLog log;
  private final ExecutorService calls;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private final Http2Connection http2;
  private volatile boolean closing;
  private volatile @Nullable String ended;

  private Session(
      String id, UpgradedConnection connection, Map<String, GrpcMethod> methods, ShipLog log)
      throws IOException {
    this.id = id;
    this.connection = connection;
    this.methods = methods;
    this.log = log;
    this.calls =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "ship-session-call");
              thread.setDaemon(true);
              return thread;
            });
    BufferedSocket socket =
        new StreamSocket(
            Okio.buffer(Okio.source(new Watched(connection.in()))),
            Okio.buffer(Okio.sink(new Counted(connection.out()))),
            connection);
    this.http2 =
        new Http2Connection.Builder(false, TaskRunner.INSTANCE)
            .socket(socket, "buildkit-session")
            .listener(
                new Http2Connection.Listener() {
                  @Override
                  public void onStream(Http2Stream stream) {
                    calls.execute(() -> serve(stream));
                  }
                })
            .build();
    http2.start();
  }

  /**
   * Opens a session on {@code daemon} serving Health and {@code methods}.
   *
   * @param name what the daemon shows for it (the CLI: the context directory's name)
   * @param sharedKey the key under which the daemon keeps what a previous session sent (FileSync's
   *     context), so that a rebuild sends only what changed
   * @throws IOException if the daemon cannot be reached or refuses the session
   */
  public static Session open(
      DockerDaemon daemon, String name, String sharedKey, List<GrpcMethod> methods, ShipLog log)
      throws IOException {
    Map<String, GrpcMethod> served = new LinkedHashMap<>();
    served.put(HEALTH_CHECK, new GrpcMethod(HEALTH_CHECK, Session::health));
    methods.forEach(method -> served.put(method.path(), method));
    String id = newId();
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("X-Docker-Expose-Session-Uuid", List.of(id));
    headers.put("X-Docker-Expose-Session-Name", List.of(headerSafe(name)));
    headers.put("X-Docker-Expose-Session-Sharedkey", List.of(sharedKey));
    headers.put("X-Docker-Expose-Session-Grpc-Method", new ArrayList<>(served.keySet()));
    UpgradedConnection connection = daemon.upgrade("/session", "h2c", headers);
    try {
      Session session = new Session(id, connection, served, log);
      log.debug("BuildKit session " + id + " open, serving " + String.join(", ", served.keySet()));
      return session;
    } catch (IOException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /** The id the build names ({@code session=}). */
  public String id() {
    return id;
  }

  /** Bytes sent to the daemon on the session so far (HTTP/2 framing included). */
  public long bytesSent() {
    return sent.get();
  }

  /** Bytes received from the daemon on the session so far. */
  public long bytesReceived() {
    return received.get();
  }

  /** Why the daemon's side of the session ended before it was closed here; null while it lives. */
  public @Nullable String ended() {
    return ended;
  }

  @Override
  public void close() {
    closing = true;
    calls.shutdownNow();
    http2.close();
    connection.close();
    log.debug(
        "BuildKit session "
            + id
            + " closed: "
            + sent.get()
            + " bytes sent, "
            + received.get()
            + " received");
  }

  private void serve(Http2Stream stream) {
    Headers headers;
    try {
      headers = stream.takeHeaders(false);
    } catch (IOException e) {
      return; // reset before it began
    }
    GrpcCall call = new GrpcCall(stream, headers);
    GrpcMethod method = methods.get(call.path());
    try {
      if (method == null) {
        call.finish(GrpcException.UNIMPLEMENTED, "unknown method " + call.path());
        return;
      }
      method.handler().serve(call);
      call.finish(0, null);
    } catch (GrpcException e) {
      finishQuietly(call, e.code(), e.getMessage());
    } catch (IOException e) {
      if (!closing) {
        log.debug("BuildKit session call " + call.path() + " broke: " + e);
      }
      call.cancel();
    } catch (RuntimeException e) {
      log.debug("BuildKit session call " + call.path() + " failed: " + e);
      finishQuietly(call, GrpcException.INTERNAL, String.valueOf(e.getMessage()));
    }
  }

  private static void finishQuietly(GrpcCall call, int code, String message) {
    try {
      call.finish(code, message);
    } catch (IOException broken) {
      call.cancel();
    }
  }

  /** {@code grpc.health.v1.Health/Check}: {@code HealthCheckResponse{status: SERVING}}. */
  private static void health(GrpcCall call) throws IOException, GrpcException {
    call.read();
    call.write(new ProtoWire.Writer().varint(1, 1).toByteArray());
  }

  /** As the CLI's ids: 25 random base-36 characters. */
  static String newId() {
    StringBuilder id = new StringBuilder(25);
    for (int i = 0; i < 25; i++) {
      id.append(ID_ALPHABET.charAt(RANDOM.nextInt(ID_ALPHABET.length())));
    }
    return id.toString();
  }

  /** A header value: printable ASCII only (a directory name may have anything). */
  private static String headerSafe(String value) {
    StringBuilder safe = new StringBuilder();
    value.chars().forEach(c -> safe.append(c >= 0x20 && c < 0x7f ? (char) c : '_'));
    return safe.toString();
  }

  /** okhttp's view of the upgraded connection. */
  private record StreamSocket(
      BufferedSource getSource, BufferedSink getSink, UpgradedConnection connection)
      implements BufferedSocket {
    @Override
    public void cancel() {
      connection.close();
    }
  }

  /** Counts what comes in, and notes when the daemon ends the connection. */
  private final class Watched extends FilterInputStream {
    Watched(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      try {
        int n = super.read(buffer, offset, length);
        if (n < 0) {
          endedBy("the Docker daemon closed it");
        } else {
          received.addAndGet(n);
        }
        return n;
      } catch (IOException e) {
        endedBy(
            e instanceof java.nio.channels.ClosedChannelException
                ? "its connection to the Docker daemon broke"
                : DockerConnector.rootMessage(e));
        throw e;
      }
    }
  }

  private void endedBy(String why) {
    if (!closing && ended == null) {
      ended = why;
      log.debug("BuildKit session " + id + " ended: " + why);
    }
  }

  /** Counts what goes out. */
  private final class Counted extends FilterOutputStream {
    Counted(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      sent.incrementAndGet();
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      out.write(bytes, offset, length);
      sent.addAndGet(length);
    }
  }
}

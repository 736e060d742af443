package io.github.shipmaven.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback registry that accepts a blob upload and then stops reading, for the stalled-push
 * integration test: {@code GET /v2/} 200, blob {@code HEAD} 404, {@code POST …/blobs/uploads/} 202
 * with a {@code Location}; the {@code PATCH} or {@code PUT} that follows is neither read nor
 * answered, its connection held open until {@link #stop}. Anything else is 404. A TLS handshake
 * (the daemon tries https first) is answered by closing the connection, so the daemon falls back to
 * http at once. Plain sockets rather than an HTTP server: only a socket can stop reading.
 */
public final class StallingRegistry {
  private static final Map<Integer, StallingRegistry> RUNNING = new ConcurrentHashMap<>();

  private final ServerSocket server;
  private final Instant startedAt = Instant.now();
  private final List<Socket> connections = new CopyOnWriteArrayList<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();

  private StallingRegistry(ServerSocket server) {
    this.server = server;
  }

  /** Starts it on {@code 127.0.0.1:port}; a registry left from an earlier run is stopped first. */
  public static StallingRegistry start(int port) throws IOException {
    stop(port);
    ServerSocket server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
    StallingRegistry registry = new StallingRegistry(server);
    RUNNING.put(port, registry);
    Thread accept = new Thread(registry::accept, "stalling-registry-" + port);
    accept.setDaemon(true);
    accept.start();
    return registry;
  }

  public static StallingRegistry on(int port) {
    StallingRegistry registry = RUNNING.get(port);
    if (registry == null) {
      throw new IllegalStateException("no stalling registry on port " + port);
    }
    return registry;
  }

  /** Closes the listener and every held connection. */
  public static void stop(int port) throws IOException {
    StallingRegistry registry = RUNNING.remove(port);
    if (registry != null) {
      registry.server.close();
      for (Socket connection : registry.connections) {
        connection.close();
      }
    }
  }

  /** Every request received, as {@code "METHOD /path"}, in order; a TLS attempt is {@code TLS}. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** How many uploads it stopped reading. */
  public long stalledUploads() {
    return requests.stream().filter(r -> r.startsWith("PATCH ") || r.startsWith("PUT ")).count();
  }

  /** Time since {@link #start}: the integration test's bound on the whole build. */
  public Duration elapsed() {
    return Duration.between(startedAt, Instant.now());
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket connection = server.accept();
        connections.add(connection);
        Thread serve = new Thread(() -> serve(connection), "stalling-registry-connection");
        serve.setDaemon(true);
        serve.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket connection) {
    try (connection) {
      InputStream in = connection.getInputStream();
      OutputStream out = connection.getOutputStream();
      while (true) {
        int first = in.read();
        if (first < 0) {
          return;
        }
        if (first == 0x16) { // a TLS handshake record: not spoken here
          requests.add("TLS");
          return;
        }
        String head = readHead(in, first);
        String[] requestLine = head.substring(0, head.indexOf("\r\n")).split(" ");
        String method = requestLine[0];
        String path = requestLine[1].split("\\?")[0];
        requests.add(method + " " + path);
        if (method.equals("PATCH") || method.equals("PUT")) {
          // The stall: the body stays unread and no answer comes; the socket is closed by stop().
          while (!connection.isClosed()) {
            Thread.sleep(100);
          }
          return;
        }
        skipBody(in, head);
        if (method.equals("GET") && path.equals("/v2/")) {
          answer(out, "200 OK", "", "{}");
        } else if (method.equals("POST") && path.endsWith("/blobs/uploads/")) {
          String upload = path + UUID.randomUUID();
          answer(out, "202 Accepted", "Location: " + upload + "\r\nRange: 0-0\r\n", "");
        } else {
          answer(
              out,
              "404 Not Found",
              "",
              method.equals("HEAD") ? "" : "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\"}]}");
        }
      }
    } catch (IOException | InterruptedException | RuntimeException gone) {
      // the daemon went away, or stop() closed the socket
    }
  }

  /** The request line and headers up to the blank line, starting with {@code first}. */
  private static String readHead(InputStream in, int first) throws IOException {
    StringBuilder head = new StringBuilder().append((char) first);
    while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed inside a request head");
      }
      head.append((char) b);
    }
    return head.toString();
  }

  /**
   * Reads a request's {@code Content-Length} body, the only kind the daemons send before a PATCH.
   */
  private static void skipBody(InputStream in, String head) throws IOException {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        in.readNBytes(Integer.parseInt(line.substring("content-length:".length()).trim()));
      }
    }
  }

  private static void answer(OutputStream out, String status, String headers, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    out.write(
        ("HTTP/1.1 "
                + status
                + "\r\nDocker-Distribution-Api-Version: registry/2.0\r\n"
                + "Content-Type: application/json\r\n"
                + headers
                + "Content-Length: "
                + bytes.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    out.write(bytes);
    out.flush();
  }
}

package io.github.shipmaven.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A loopback registry that stops reading the first blob upload it is sent, for the stalled-push
 * integration test, and serves every later one as a registry would: a registry that would take a
 * new upload, so that an engine whose retry starts one succeeds, and one whose retry joins its
 * stuck upload does not.
 *
 * <p>{@code GET /v2/} 200; blobs: {@code HEAD} (404 until uploaded), {@code POST …/blobs/uploads/}
 * 202 with a {@code Location}, {@code PATCH} and {@code PUT ?digest=} with bodies of either length
 * kind; manifests: {@code PUT}, {@code HEAD}, {@code GET} by tag or digest. The first request
 * carrying upload data (a {@code PATCH}, or a {@code PUT} with a body) is neither read nor
 * answered: its connection is held open until {@link #stop}. A TLS handshake (the daemon tries
 * https first) is answered as Go's plain-HTTP servers answer it, so the daemon falls back to http
 * at once (Docker 20.10 on any failure, the containerd image store only on that answer). Plain
 * sockets rather than an HTTP server: only a socket can stop reading.
 */
public final class StallingRegistry {
  private static final Map<Integer, StallingRegistry> RUNNING = new ConcurrentHashMap<>();

  private record Stored(String mediaType, byte[] content, String digest) {}

  private final ServerSocket server;
  private final Instant startedAt = Instant.now();
  private volatile Instant stalledAt;
  private volatile Socket stalledConnection;
  private final AtomicBoolean stalled = new AtomicBoolean();
  private final List<Socket> connections = new CopyOnWriteArrayList<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final Map<String, ByteArrayOutputStream> uploads = new ConcurrentHashMap<>();
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  private final Map<String, Stored> manifests = new ConcurrentHashMap<>();

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

  /** How many uploads were started ({@code POST …/blobs/uploads/}). */
  public long uploadsStarted() {
    return requests.stream().filter(r -> r.startsWith("POST ")).count();
  }

  /** Whether it stopped reading an upload. */
  public boolean stalled() {
    return stalled.get();
  }

  /** The manifests pushed, by tag and by digest. */
  public Map<String, String> manifestDigests() {
    Map<String, String> digests = new java.util.TreeMap<>();
    manifests.forEach((reference, stored) -> digests.put(reference, stored.digest()));
    return digests;
  }

  /** Time since {@link #start}: the integration test's bound on the whole build. */
  public Duration elapsed() {
    return Duration.between(startedAt, Instant.now());
  }

  /** Time since it stopped reading an upload. */
  public Duration sinceStall() {
    return stalledAt == null ? Duration.ZERO : Duration.between(stalledAt, Instant.now());
  }

  /**
   * Whether the client (the engine) closed the upload it was stopped in: reads what it had sent and
   * waits until it closes the connection (true) or sends nothing for {@code quiet} while the
   * connection stays open (false). This is how the integration test sees whether closing the push
   * connection cancelled the engine's upload.
   */
  public boolean stalledUploadClosedByClient(Duration quiet) throws IOException {
    Socket connection = stalledConnection;
    if (connection == null) {
      throw new IllegalStateException("no upload was stalled");
    }
    connection.setSoTimeout((int) quiet.toMillis());
    byte[] buffer = new byte[64 * 1024];
    try {
      InputStream in = connection.getInputStream();
      while (in.read(buffer) >= 0) {
        // what the engine had written before the stall
      }
      return true;
    } catch (java.net.SocketTimeoutException stillOpen) {
      return false;
    } catch (java.net.SocketException reset) {
      return true;
    }
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
          // What Go's plain-HTTP servers (the registry of .ci/stack among them) answer: the
          // containerd image store falls back to http only on this answer ("server gave HTTP
          // response to HTTPS client"); a bare close is an EOF it reports as the push's failure.
          out.write(
              "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n"
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          out.flush();
          return;
        }
        String head = readHead(in, first);
        String[] requestLine = head.substring(0, head.indexOf("\r\n")).split(" ");
        String method = requestLine[0];
        String target = requestLine[1];
        String path = target.split("\\?")[0];
        requests.add(method + " " + path);
        boolean carriesData =
            method.equals("PATCH") || (method.equals("PUT") && path.contains("/blobs/uploads/"));
        if (carriesData && hasBody(head) && stalled.compareAndSet(false, true)) {
          // The stall: the body stays unread and no answer comes; the socket is closed by stop().
          stalledAt = Instant.now();
          stalledConnection = connection;
          while (!connection.isClosed()) {
            Thread.sleep(100);
          }
          return;
        }
        byte[] body = readBody(in, head);
        answer(out, method, target, path, head, body);
      }
    } catch (IOException | InterruptedException | RuntimeException gone) {
      // the daemon went away, or stop() closed the socket
    }
  }

  private void answer(
      OutputStream out, String method, String target, String path, String head, byte[] body)
      throws IOException {
    int blobsAt = path.indexOf("/blobs/");
    int manifestsAt = path.indexOf("/manifests/");
    if (method.equals("GET") && path.equals("/v2/")) {
      send(out, "200 OK", "", "{}".getBytes(StandardCharsets.UTF_8), false);
    } else if (method.equals("POST") && path.endsWith("/blobs/uploads/")) {
      String upload = path + UUID.randomUUID();
      uploads.put(upload, new ByteArrayOutputStream());
      send(out, "202 Accepted", "Location: " + upload + "\r\nRange: 0-0\r\n", new byte[0], false);
    } else if (method.equals("PATCH") && uploads.containsKey(path)) {
      ByteArrayOutputStream data = uploads.get(path);
      data.writeBytes(body);
      send(
          out,
          "202 Accepted",
          "Location: " + path + "\r\nRange: 0-" + Math.max(0, data.size() - 1) + "\r\n",
          new byte[0],
          false);
    } else if (method.equals("PUT") && uploads.containsKey(path)) {
      ByteArrayOutputStream data = uploads.remove(path);
      data.writeBytes(body);
      String digest = query(target, "digest");
      blobs.put(digest, data.toByteArray());
      String blob = path.substring(0, path.indexOf("/blobs/")) + "/blobs/" + digest;
      send(
          out,
          "201 Created",
          "Location: " + blob + "\r\nDocker-Content-Digest: " + digest + "\r\n",
          new byte[0],
          false);
    } else if ((method.equals("HEAD") || method.equals("GET")) && blobsAt > 0) {
      byte[] blob = blobs.get(path.substring(blobsAt + "/blobs/".length()));
      if (blob == null) {
        notFound(out, method, "BLOB_UNKNOWN");
      } else {
        send(
            out,
            "200 OK",
            "Docker-Content-Digest: " + path.substring(blobsAt + "/blobs/".length()) + "\r\n",
            blob,
            method.equals("HEAD"));
      }
    } else if (method.equals("PUT") && manifestsAt > 0) {
      String digest = "sha256:" + sha256(body);
      Stored stored = new Stored(header(head, "content-type"), body, digest);
      String name = path.substring(0, manifestsAt);
      manifests.put(name + ":" + path.substring(manifestsAt + "/manifests/".length()), stored);
      manifests.put(name + "@" + digest, stored);
      send(
          out,
          "201 Created",
          "Location: "
              + name
              + "/manifests/"
              + digest
              + "\r\nDocker-Content-Digest: "
              + digest
              + "\r\n",
          new byte[0],
          false);
    } else if ((method.equals("HEAD") || method.equals("GET")) && manifestsAt > 0) {
      String name = path.substring(0, manifestsAt);
      String reference = path.substring(manifestsAt + "/manifests/".length());
      Stored stored =
          manifests.get(name + (reference.startsWith("sha256:") ? "@" : ":") + reference);
      if (stored == null) {
        notFound(out, method, "MANIFEST_UNKNOWN");
      } else {
        send(
            out,
            "200 OK",
            "Content-Type: "
                + stored.mediaType()
                + "\r\nDocker-Content-Digest: "
                + stored.digest()
                + "\r\n",
            stored.content(),
            method.equals("HEAD"));
      }
    } else {
      notFound(out, method, "UNSUPPORTED");
    }
  }

  private static void notFound(OutputStream out, String method, String code) throws IOException {
    send(
        out,
        "404 Not Found",
        "",
        ("{\"errors\":[{\"code\":\"" + code + "\"}]}").getBytes(StandardCharsets.UTF_8),
        method.equals("HEAD"));
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

  private static String header(String head, String name) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith(name + ":")) {
        return line.substring(name.length() + 1).trim();
      }
    }
    return null;
  }

  private static boolean hasBody(String head) {
    String length = header(head, "content-length");
    return (length != null && !length.equals("0")) || header(head, "transfer-encoding") != null;
  }

  /** A request's body, by {@code Content-Length} or chunked. */
  private static byte[] readBody(InputStream in, String head) throws IOException {
    String length = header(head, "content-length");
    if (length != null) {
      return in.readNBytes(Integer.parseInt(length));
    }
    String encoding = header(head, "transfer-encoding");
    if (encoding == null || !encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
      return new byte[0];
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String size = readLine(in);
      int semicolon = size.indexOf(';');
      int n = Integer.parseInt(semicolon < 0 ? size : size.substring(0, semicolon), 16);
      if (n == 0) {
        while (!readLine(in).isEmpty()) {
          // trailers
        }
        return body.toByteArray();
      }
      body.writeBytes(in.readNBytes(n));
      readLine(in);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0) {
        throw new IOException("connection closed inside a chunked body");
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  private static String query(String target, String name) {
    int question = target.indexOf('?');
    if (question >= 0) {
      for (String pair : target.substring(question + 1).split("&")) {
        if (pair.startsWith(name + "=")) {
          return java.net.URLDecoder.decode(
              pair.substring(name.length() + 1), StandardCharsets.UTF_8);
        }
      }
    }
    return "";
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void send(
      OutputStream out, String status, String headers, byte[] body, boolean headOnly)
      throws IOException {
    boolean hasType = headers.toLowerCase(Locale.ROOT).contains("content-type:");
    out.write(
        ("HTTP/1.1 "
                + status
                + "\r\nDocker-Distribution-Api-Version: registry/2.0\r\n"
                + (hasType ? "" : "Content-Type: application/json\r\n")
                + headers
                + "Content-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    if (!headOnly) {
      out.write(body);
    }
    out.flush();
  }
}

package io.github.shipmaven.docker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * A Docker daemon on a real unix socket that answers from a script: each request line is matched
 * against the patterns given (the newest first), and its handler writes the answer, often a real
 * engine's stream replayed from {@code src/test/resources/daemon-streams}. Every request is
 * recorded. {@code /_ping} and {@code /version} answer as Docker 20.10 does unless scripted.
 */
public final class ScriptedDaemon implements AutoCloseable {

  /** A request as the daemon received it. */
  public record Exchange(String line, String head, byte[] body) {
    /** The value of header {@code name}, or null. */
    public String header(String name) {
      String prefix = name.toLowerCase(Locale.ROOT) + ":";
      return head.lines()
          .filter(l -> l.toLowerCase(Locale.ROOT).startsWith(prefix))
          .map(l -> l.substring(prefix.length()).trim())
          .findFirst()
          .orElse(null);
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Writes the answer to one request. */
  @FunctionalInterface
  public interface Handler {
    void answer(Exchange request, Reply reply) throws IOException, InterruptedException;
  }

  /** The answer being written. */
  public static final class Reply {
    private final OutputStream out;
    private final InputStream in;

    Reply(OutputStream out, InputStream in) {
      this.out = out;
      this.in = in;
    }

    /** A whole answer with a Content-Length. */
    public void send(int status, String contentType, String body) throws IOException {
      send(status, Map.of("Content-Type", contentType), body);
    }

    public void send(int status, Map<String, String> headers, String body) throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " Scripted\r\n");
      headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      head.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(bytes);
      out.flush();
    }

    public void json(int status, String body) throws IOException {
      send(status, "application/json", body);
    }

    /** Starts a chunked 200 stream of JSON lines, as the daemon streams builds and pushes. */
    public void startStream() throws IOException {
      out.write(
          ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                  + "Transfer-Encoding: chunked\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }

    /** One chunk per line, as the daemon flushes each message. */
    public void lines(List<String> lines) throws IOException {
      for (String line : lines) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
    }

    /** Ends a stream properly. */
    public void endStream() throws IOException {
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    /** A whole stream: start, the lines, end. */
    public void stream(List<String> lines) throws IOException {
      startStream();
      lines(lines);
      endStream();
    }

    /**
     * Answers {@code 101 Switching Protocols} to an upgrade ({@code POST /session}); the streams
     * then carry the new protocol.
     */
    public void switchProtocols(String protocol) throws IOException {
      out.write(
          ("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: "
                  + protocol
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }

    /** What the client sends after the request (after an upgrade: the new protocol). */
    public InputStream in() {
      return in;
    }

    /** To the client. */
    public OutputStream out() {
      return out;
    }

    /** Sends nothing more until the client hangs up; returns when it has. */
    public void holdUntilClientLeaves() throws IOException {
      while (in.read() != -1) {
        // a client sends nothing more after its request: -1 means it closed the connection
      }
    }
  }

  private record Script(Pattern line, Handler handler, boolean readsBody) {}

  private final Path socket;
  private final ServerSocketChannel server;
  private final List<Script> scripts = new CopyOnWriteArrayList<>();
  private final List<Exchange> requests = new CopyOnWriteArrayList<>();
  private final List<SocketChannel> clients = new CopyOnWriteArrayList<>();

  private ScriptedDaemon(Path socket) throws IOException {
    this.socket = socket;
    this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    on("GET /_ping", (request, reply) -> reply.send(200, PING_HEADERS, "OK"));
    on("GET /version", (request, reply) -> reply.json(200, VERSION_20_10));
    // A BuildKit session that the daemon never calls back on: as Docker for a build that needs
    // nothing from the client, the session is kept open, unused, until the client closes it.
    on(
        "POST /session",
        (request, reply) -> {
          reply.switchProtocols("h2c");
          reply.holdUntilClientLeaves();
        });
    Thread accept = new Thread(this::serve, "scripted-daemon");
    accept.setDaemon(true);
    accept.start();
  }

  /** Headers of Docker 20.10's {@code /_ping}. */
  public static final Map<String, String> PING_HEADERS =
      Map.of(
          "Api-Version", "1.41",
          "Builder-Version", "2",
          "Docker-Experimental", "false",
          "Ostype", "linux",
          "Content-Type", "text/plain; charset=utf-8");

  /** Docker 20.10's {@code /version}, shortened. */
  public static final String VERSION_20_10 =
      "{\"Platform\":{\"Name\":\"\"},\"Components\":[{\"Name\":\"Engine\",\"Version\":\"20.10.24+dfsg1\","
          + "\"Details\":{\"ApiVersion\":\"1.41\",\"Os\":\"linux\",\"Arch\":\"amd64\"}}],"
          + "\"Version\":\"20.10.24+dfsg1\",\"ApiVersion\":\"1.41\",\"MinAPIVersion\":\"1.12\","
          + "\"Os\":\"linux\",\"Arch\":\"amd64\"}";

  /** Starts a daemon on a socket in {@code dir}. */
  public static ScriptedDaemon start(Path dir) throws IOException {
    return new ScriptedDaemon(Files.createDirectories(dir).resolve("daemon.sock"));
  }

  /**
   * Answers requests whose request line ({@code "POST /images/x/push?tag=1 HTTP/1.1"}) starts with
   * or matches {@code linePattern} (a regex, anchored at the start); newer scripts win.
   */
  public ScriptedDaemon on(String linePattern, Handler handler) {
    scripts.add(0, new Script(Pattern.compile(linePattern), handler, true));
    return this;
  }

  /**
   * Answers as soon as the request head is in, without reading the body, and then closes: as a
   * daemon refusing a request head (431) does while the client is still sending.
   */
  public ScriptedDaemon onHead(String linePattern, Handler handler) {
    scripts.add(0, new Script(Pattern.compile(linePattern), handler, false));
    return this;
  }

  /** The daemon's address, as {@code <dockerHost>} takes it. */
  public String host() {
    return "unix://" + socket;
  }

  public URI uri() {
    return URI.create(host());
  }

  /** Every request received so far. */
  public List<Exchange> requests() {
    return requests;
  }

  /** The requests whose line starts with {@code prefix}. */
  public List<Exchange> requests(String prefix) {
    return requests.stream().filter(r -> r.line().startsWith(prefix)).toList();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (SocketChannel client : clients) {
      client.close();
    }
  }

  private void serve() {
    while (server.isOpen()) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed: the test is over
      }
      clients.add(client);
      Thread connection = new Thread(() -> answer(client), "scripted-daemon-connection");
      connection.setDaemon(true);
      connection.start();
    }
  }

  private void answer(SocketChannel client) {
    try (client) {
      // Not Channels' streams: they share one lock, and an upgraded connection (a BuildKit
      // session) is read and written at once.
      InputStream in =
          new InputStream() {
            @Override
            public int read() throws IOException {
              byte[] one = new byte[1];
              return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
              return len == 0 ? 0 : client.read(java.nio.ByteBuffer.wrap(b, off, len));
            }
          };
      OutputStream out =
          new OutputStream() {
            @Override
            public void write(int b) throws IOException {
              write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
              java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(b, off, len);
              while (buffer.hasRemaining()) {
                client.write(buffer);
              }
            }
          };
      String line = Http1.readLine(in);
      if (line.isEmpty()) {
        return;
      }
      StringBuilder head = new StringBuilder(line);
      for (String header; !(header = Http1.readLine(in)).isEmpty(); ) {
        head.append("\n").append(header);
      }
      Exchange request = new Exchange(line, head.toString(), new byte[0]);
      Reply reply = new Reply(out, in);
      for (Script script : scripts) {
        if (script.line().matcher(line).lookingAt()) {
          if (script.readsBody()) {
            request = new Exchange(line, head.toString(), readBody(in, request));
          }
          requests.add(request);
          script.handler().answer(request, reply);
          return;
        }
      }
      requests.add(new Exchange(line, head.toString(), readBody(in, request)));
      reply.json(404, "{\"message\":\"not scripted: " + line + "\"}");
    } catch (IOException | InterruptedException e) {
      // the client hung up, or the test closed the daemon
    }
  }

  private static byte[] readBody(InputStream in, Exchange request) throws IOException {
    String length = request.header("Content-Length");
    if (length != null) {
      return in.readNBytes(Integer.parseInt(length));
    }
    String encoding = request.header("Transfer-Encoding");
    if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
      return new Http1.ChunkedInputStream(in).readAllBytes();
    }
    return new byte[0];
  }

  /** The lines of a recorded stream in {@code src/test/resources/daemon-streams}. */
  public static List<String> recorded(String name) throws IOException {
    try (InputStream in = ScriptedDaemon.class.getResourceAsStream("/daemon-streams/" + name)) {
      if (in == null) {
        throw new IOException("no recorded stream " + name);
      }
      List<String> lines = new ArrayList<>();
      new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(l -> !l.isBlank())
          .forEach(lines::add);
      return lines;
    }
  }

  /** The headers of a recorded answer's {@code .head} file, e.g. Podman's {@code /_ping}. */
  public static Map<String, String> headers(String name) throws IOException {
    try (InputStream in = ScriptedDaemon.class.getResourceAsStream("/daemon-streams/" + name)) {
      if (in == null) {
        throw new IOException("no recorded head " + name);
      }
      Map<String, String> headers = new java.util.LinkedHashMap<>();
      new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)
          .lines()
          .skip(1)
          .filter(l -> l.indexOf(':') > 0)
          .filter(l -> !l.regionMatches(true, 0, "Content-Length", 0, 14))
          .forEach(
              l ->
                  headers.put(
                      l.substring(0, l.indexOf(':')), l.substring(l.indexOf(':') + 1).trim()));
      return headers;
    }
  }
}

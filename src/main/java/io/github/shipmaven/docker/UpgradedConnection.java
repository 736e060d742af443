package io.github.shipmaven.docker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/**
 * A daemon connection that left HTTP/1.1 ({@code 101 Switching Protocols}): BuildKit's session
 * speaks HTTP/2 on it. {@link #in()} starts right after the 101 head, with whatever the daemon sent
 * in the same read (in about half the runs the first HTTP/2 frames arrive with the head: they are
 * kept, never dropped). The connection has no idle bound: the protocol on it has its own.
 */
public final class UpgradedConnection implements AutoCloseable {
  private final DaemonConnection connection;

  UpgradedConnection(DaemonConnection connection) {
    this.connection = connection;
  }

  /** What the daemon sends after the 101 head. */
  public InputStream in() {
    return connection.in();
  }

  /** To the daemon; unbuffered. */
  public OutputStream out() {
    return connection.out();
  }

  @Override
  public void close() {
    connection.close();
  }

  /**
   * Sends {@code POST path} asking to upgrade to {@code protocol}, reads the answer's head, and
   * returns the connection if it is {@code 101}; else fails with the daemon's message.
   */
  static UpgradedConnection open(
      DaemonConnection connection, String path, String protocol, Map<String, List<String>> headers)
      throws IOException {
    StringBuilder head = new StringBuilder();
    head.append("POST ").append(path).append(" HTTP/1.1\r\n");
    // The daemon refuses an upgrade without Host ("missing required Host header").
    head.append("Host: docker\r\n");
    head.append("Upgrade: ").append(protocol).append("\r\n");
    head.append("Connection: Upgrade\r\n");
    head.append("Content-Length: 0\r\n");
    headers.forEach(
        (name, values) ->
            values.forEach(value -> head.append(name).append(": ").append(value).append("\r\n")));
    head.append("\r\n");
    try {
      OutputStream out = connection.out();
      out.write(head.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = connection.in();
      String status = Http1.readLine(in);
      String[] parts = status.split(" ", 3);
      int code = parts.length >= 2 && parts[1].matches("[0-9]{3}") ? Integer.parseInt(parts[1]) : 0;
      if (code != 101) {
        // Not upgraded: an ordinary answer, whose body says why.
        connection.close();
        throw new IOException(
            status.isEmpty()
                ? "the Docker daemon closed the connection without an answer"
                : "the Docker daemon answered "
                    + status.strip()
                    + " instead of switching protocols");
      }
      // Headers up to the empty line; what follows is the new protocol, already buffered or not.
      while (!Http1.readLine(in).isEmpty()) {
        // the 101's headers say nothing the session needs
      }
      return new UpgradedConnection(connection);
    } catch (IOException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }
}

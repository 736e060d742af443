package io.github.shipmaven.it;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A unix socket in front of a Docker daemon's that passes every byte through both ways and writes
 * the request line of each HTTP request the client sends to a file, one per line: an integration
 * test points {@code <dockerHost>} at it and reads which requests the plugin made (e.g. that no
 * {@code /images/create} pulled a base image). Upgraded connections (the BuildKit session) pass
 * through as they are.
 */
public final class DaemonRequestLog implements AutoCloseable {
  private static final Pattern REQUEST_LINE =
      Pattern.compile("^(GET|HEAD|POST|PUT|DELETE) (\\S+) HTTP/1\\.[01]\r?$");

  private final ServerSocketChannel server;
  private final Path daemon;
  private final Path requests;

  private DaemonRequestLog(Path socket, Path daemon, Path requests) throws IOException {
    Files.deleteIfExists(socket);
    this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    this.server.bind(UnixDomainSocketAddress.of(socket));
    this.daemon = daemon;
    this.requests = requests;
    Files.writeString(requests, "");
  }

  /**
   * Listens on {@code socket}, passing connections on to {@code daemon}, until closed.
   *
   * @param requests the file the request lines go to (emptied first)
   */
  public static DaemonRequestLog start(String socket, String daemon, String requests)
      throws IOException {
    DaemonRequestLog log =
        new DaemonRequestLog(Path.of(socket), Path.of(daemon), Path.of(requests));
    Thread accepting = new Thread(log::accept, "daemon-request-log");
    accepting.setDaemon(true);
    accepting.start();
    return log;
  }

  private void accept() {
    while (server.isOpen()) {
      try {
        SocketChannel client = server.accept();
        SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(daemon));
        pipe(client, upstream, true);
        pipe(upstream, client, false);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pipe(SocketChannel from, SocketChannel to, boolean requestsFlow) {
    Thread thread =
        new Thread(
            () -> {
              ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
              StringBuilder line = new StringBuilder();
              try (from;
                  to) {
                while (from.read(buffer) >= 0) {
                  buffer.flip();
                  if (requestsFlow) {
                    scan(buffer.duplicate(), line);
                  }
                  while (buffer.hasRemaining()) {
                    to.write(buffer);
                  }
                  buffer.clear();
                }
              } catch (IOException e) {
                // either side went away: the other is closed with it
              }
            },
            "daemon-request-log-pipe");
    thread.setDaemon(true);
    thread.start();
  }

  private void scan(ByteBuffer bytes, StringBuilder line) throws IOException {
    while (bytes.hasRemaining()) {
      char c = (char) (bytes.get() & 0xff);
      if (c == '\n') {
        Matcher m = REQUEST_LINE.matcher(line);
        if (m.matches()) {
          Files.writeString(
              requests,
              m.group(1) + " " + m.group(2) + "\n",
              StandardCharsets.UTF_8,
              StandardOpenOption.APPEND);
        }
        line.setLength(0);
      } else if (line.length() < 8192) {
        line.append(c);
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}

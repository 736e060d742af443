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
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A unix socket in front of a Docker daemon for integration tests: it forwards every connection
 * both ways and, when one closes, appends a line to {@code log}: the request line and the bytes the
 * client sent on it. So a test counts, at the socket, what the plugin sent for a build (its {@code
 * POST /build} and {@code POST /session} connections). Two hooks make the test's events happen at a
 * known point: {@code beforeSession} runs as the {@code n}th session is requested (a one-line
 * change "between" two builds), and {@code killSessionsAfterBytes} cuts every session connection
 * once the client sent that much on it (a session that dies mid-build).
 *
 * <p>Started from an invoker setup script: it lives on in that JVM (daemon threads) while the build
 * runs in its own process, and stops with it.
 */
public final class DaemonProxy {
  private final ServerSocketChannel server;
  private final Path daemon;
  private final Path log;
  private final AtomicInteger sessions = new AtomicInteger();
  private final java.util.Map<Integer, Runnable> changes =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile int killFrom = Integer.MAX_VALUE;
  private volatile long killBytes = Long.MAX_VALUE;

  private DaemonProxy(Path socket, Path daemon, Path log) throws IOException {
    this.daemon = daemon;
    this.log = log;
    Files.deleteIfExists(socket);
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Thread accept = new Thread(this::serve, "daemon-proxy");
    accept.setDaemon(true);
    accept.start();
  }

  /** Listens on {@code socket}, forwarding to the daemon at {@code daemon}. */
  public static DaemonProxy start(Path socket, Path daemon, Path log) throws IOException {
    return new DaemonProxy(socket, daemon, log);
  }

  /** Runs {@code change} as session number {@code n} (from 1) is requested, before forwarding. */
  public DaemonProxy beforeSession(int n, Runnable change) {
    changes.put(n, change);
    return this;
  }

  /**
   * Cuts session number {@code from} (from 1) and each later one once the client sent {@code bytes}
   * on it: mid-transfer, however fast the machine is today.
   */
  public DaemonProxy killSessionsAfterBytes(int from, long bytes) {
    this.killBytes = bytes;
    this.killFrom = from;
    return this;
  }

  private void serve() {
    while (server.isOpen()) {
      try {
        SocketChannel client = server.accept();
        Thread connection = new Thread(() -> forward(client), "daemon-proxy-connection");
        connection.setDaemon(true);
        connection.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void forward(SocketChannel client) {
    AtomicLong fromClient = new AtomicLong();
    String line = "";
    try (client;
        SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(daemon))) {
      // The request line first, to know what this connection is.
      ByteBuffer head = ByteBuffer.allocate(64 * 1024);
      while (line.isEmpty()) {
        if (client.read(head) < 0) {
          return;
        }
        String text = new String(head.array(), 0, head.position(), StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n");
        if (end >= 0) {
          line = text.substring(0, end);
        } else if (!head.hasRemaining()) {
          line = text;
        }
      }
      long limit = Long.MAX_VALUE;
      if (line.startsWith("POST /session")) {
        int n = sessions.incrementAndGet();
        if (n >= killFrom) {
          limit = killBytes;
        }
        Runnable change = changes.get(n);
        if (change != null) {
          change.run();
        }
      }
      head.flip();
      fromClient.addAndGet(head.remaining());
      while (head.hasRemaining()) {
        upstream.write(head);
      }
      Thread back =
          new Thread(
              () -> {
                ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
                try {
                  while (upstream.read(buffer) >= 0) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                      client.write(buffer);
                    }
                    buffer.clear();
                  }
                  client.shutdownOutput();
                } catch (IOException closed) {
                  // either side went away
                }
              },
              "daemon-proxy-back");
      back.setDaemon(true);
      back.start();
      ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
      try {
        for (int n; (n = client.read(buffer)) >= 0; ) {
          if (fromClient.addAndGet(n) > limit) {
            client.close();
            upstream.close();
            break;
          }
          buffer.flip();
          while (buffer.hasRemaining()) {
            upstream.write(buffer);
          }
          buffer.clear();
        }
        upstream.shutdownOutput();
      } catch (IOException closed) {
        // either side went away
      }
      back.join(Duration.ofMinutes(10).toMillis());
    } catch (IOException | InterruptedException e) {
      // the test's daemon or client went away
    } finally {
      record(line, fromClient.get());
    }
  }

  private synchronized void record(String line, long bytes) {
    try {
      Files.writeString(
          log, bytes + " " + line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException ignored) {
      // the test reads what it can
    }
  }
}

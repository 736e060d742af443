package io.github.shipmaven.buildkit;

import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.docker.DockerConnector;
import io.github.shipmaven.docker.DockerDaemon;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Records, byte for byte, what a real daemon sends on a BuildKit session's connection after the
 * {@code 101 Switching Protocols} head, for {@link OkHttpServerModeTest}: its HTTP/2 client
 * preface, SETTINGS, window updates and its first Health checks, as grpc-go frames them. A
 * recording proxy on a unix socket sits between the plugin's {@link Session} and the daemon; the
 * session is opened with no build and closed once the daemon has checked its health {@code checks}
 * times. Run by hand against an engine:
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) \
 *   io.github.shipmaven.buildkit.SessionWireCapture /var/run/docker.sock \
 *   src/test/resources/daemon-streams/docker-20.10/session-health.h2
 * </pre>
 */
public final class SessionWireCapture {
  private SessionWireCapture() {}

  public static void main(String[] args) throws Exception {
    Path daemonSocket = Path.of(args[0]);
    Path out = Path.of(args[1]);
    Path proxySocket = Files.createTempDirectory("ship-wire-capture").resolve("docker.sock");
    ByteArrayOutputStream fromDaemon = new ByteArrayOutputStream();
    try (ServerSocketChannel proxy = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      proxy.bind(UnixDomainSocketAddress.of(proxySocket));
      Thread accept =
          new Thread(
              () -> {
                try {
                  while (true) {
                    SocketChannel client = proxy.accept();
                    SocketChannel daemon =
                        SocketChannel.open(UnixDomainSocketAddress.of(daemonSocket));
                    ByteArrayOutputStream sent = new ByteArrayOutputStream();
                    ByteArrayOutputStream received = new ByteArrayOutputStream();
                    pump(client, daemon, sent);
                    pump(
                        daemon,
                        client,
                        new ByteArrayOutputStream() {
                          @Override
                          public synchronized void write(byte[] b, int off, int len) {
                            received.write(b, off, len);
                            if (new String(sent.toByteArray(), StandardCharsets.ISO_8859_1)
                                .startsWith("POST /session ")) {
                              synchronized (fromDaemon) {
                                fromDaemon.write(b, off, len);
                              }
                            }
                          }
                        });
                  }
                } catch (IOException closed) {
                  // the capture is over
                }
              },
              "capture-accept");
      accept.setDaemon(true);
      accept.start();
      try (DockerDaemon daemon =
          new DockerConnector(Map.of(), Path.of(System.getProperty("user.home")), ShipLog.NONE)
              .connect("unix://" + proxySocket)) {
        Session session = Session.open(daemon, "capture", "ship-wire-capture", List.of(), log());
        // Docker 20.10 checks every second; 2.5 s holds two checks, not three.
        Thread.sleep(2_500);
        session.close();
      }
    }
    byte[] all;
    synchronized (fromDaemon) {
      all = fromDaemon.toByteArray();
    }
    String text = new String(all, StandardCharsets.ISO_8859_1);
    int body = text.indexOf("\r\n\r\n") + 4; // after the 101 head
    if (!text.startsWith("HTTP/1.1 101") || body < 4) {
      throw new IOException("the daemon did not switch protocols: " + text.lines().findFirst());
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.write(out, java.util.Arrays.copyOfRange(all, body, all.length));
    System.out.println(out + ": " + (all.length - body) + " bytes");
  }

  private static void pump(SocketChannel from, SocketChannel to, ByteArrayOutputStream copy) {
    Thread thread =
        new Thread(
            () -> {
              ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
              try {
                while (from.read(buffer.clear()) >= 0) {
                  buffer.flip();
                  copy.write(buffer.array(), 0, buffer.limit());
                  while (buffer.hasRemaining()) {
                    to.write(buffer);
                  }
                }
              } catch (IOException closed) {
                // one side went away
              } finally {
                try {
                  to.shutdownOutput();
                } catch (IOException ignored) {
                  // already closed
                }
              }
            },
            "capture-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static ShipLog log() {
    return new ShipLog() {
      @Override
      public void info(String message) {
        System.err.println(message);
      }

      @Override
      public void warn(String message) {
        System.err.println(message);
      }

      @Override
      public void debug(String message) {
        System.err.println(message);
      }
    };
  }
}

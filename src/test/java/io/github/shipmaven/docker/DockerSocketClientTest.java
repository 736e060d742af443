package io.github.shipmaven.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.transport.DockerHttpClient;
import io.github.shipmaven.context.BuildContext;
import io.github.shipmaven.core.ShipLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The transport against a scripted daemon on a real unix socket. */
@Timeout(60) // a scripted daemon that stops answering must fail the test, not hang the build
class DockerSocketClientTest {
  @TempDir Path dir;

  /** Accepts one connection, reads the request up to the end of its body, answers {@code reply}. */
  private CompletableFuture<String> daemon(ServerSocketChannel server, String reply) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (SocketChannel client = server.accept()) {
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (!complete(request.toString(StandardCharsets.ISO_8859_1))) {
              buffer.clear();
              int n = client.read(buffer);
              if (n < 0) {
                break;
              }
              request.write(buffer.array(), 0, n);
            }
            client.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.ISO_8859_1)));
            return request.toString(StandardCharsets.ISO_8859_1);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private static boolean complete(String request) {
    int end = request.indexOf("\r\n\r\n");
    if (end < 0) {
      return false;
    }
    if (request.contains("Transfer-Encoding: chunked")) {
      return request.endsWith("0\r\n\r\n");
    }
    int length = request.indexOf("Content-Length: ");
    if (length < 0) {
      return true;
    }
    int value =
        Integer.parseInt(request.substring(length + 16, request.indexOf("\r\n", length)).trim());
    return request.length() >= end + 4 + value;
  }

  private ServerSocketChannel listen(Path socket) throws Exception {
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    return server;
  }

  @Test
  void streamsABodyChunkedAndDecodesAChunkedAnswer() throws Exception {
    Path socket = dir.resolve("d.sock");
    try (ServerSocketChannel server = listen(socket)) {
      CompletableFuture<String> received =
          daemon(
              server,
              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                  + "5\r\n{\"a\":\r\n3\r\n1}\n\r\n0\r\n\r\n");
      DockerSocketClient client =
          new DockerSocketClient(java.net.URI.create("unix://" + socket), null);
      DockerHttpClient.Request request =
          DockerHttpClient.Request.builder()
              .method(DockerHttpClient.Request.Method.POST)
              .path("/build?t=x")
              .putHeader("X-Registry-Config", "e30=")
              .body(new ByteArrayInputStream("context-bytes".getBytes(StandardCharsets.UTF_8)))
              .build();
      try (DockerHttpClient.Response response = client.execute(request)) {
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getHeader("content-type")).isEqualTo("application/json");
        try (InputStream body = response.getBody()) {
          assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8))
              .isEqualTo("{\"a\":1}\n");
        }
      }
      assertThat(received.get())
          .startsWith("POST /build?t=x HTTP/1.1\r\n")
          .contains("X-Registry-Config: e30=\r\n")
          .contains("Transfer-Encoding: chunked\r\n")
          .endsWith("\r\n\r\nd\r\ncontext-bytes\r\n0\r\n\r\n");
    }
  }

  @Test
  void aContextsFilesGoThroughTheUnixSocketByteForByte() throws Exception {
    Path context = Files.createDirectories(dir.resolve("context"));
    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\n");
    byte[] data = new byte[700_000]; // several chunks' worth, not a multiple of 512
    new java.util.Random(7).nextBytes(data);
    Files.write(context.resolve("data.bin"), data);
    BuildContext build = BuildContext.of(context, context.resolve("Dockerfile"));
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    build.write(expected);

    Path socket = dir.resolve("f.sock");
    try (ServerSocketChannel server = listen(socket)) {
      CompletableFuture<String> received =
          daemon(server, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
      DockerSocketClient client =
          new DockerSocketClient(java.net.URI.create("unix://" + socket), null);
      DockerHttpClient.Request request =
          DockerHttpClient.Request.builder()
              .method(DockerHttpClient.Request.Method.POST)
              .path("/build")
              .body(build.stream(ShipLog.NONE))
              .build();
      try (DockerHttpClient.Response response = client.execute(request)) {
        assertThat(response.getStatusCode()).isEqualTo(200);
      }
      byte[] wire = received.get().getBytes(StandardCharsets.ISO_8859_1);
      int bodyStart = received.get().indexOf("\r\n\r\n") + 4;
      try (InputStream body =
          new DockerSocketClient.ChunkedInputStream(
              new ByteArrayInputStream(wire, bodyStart, wire.length - bodyStart))) {
        assertThat(body.readAllBytes()).isEqualTo(expected.toByteArray());
      }
    }
  }

  @Test
  void readsABodyOfKnownLength() throws Exception {
    Path socket = dir.resolve("e.sock");
    try (ServerSocketChannel server = listen(socket)) {
      daemon(server, "HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnopeEXTRA");
      DockerSocketClient client =
          new DockerSocketClient(java.net.URI.create("unix://" + socket), null);
      DockerHttpClient.Request request =
          DockerHttpClient.Request.builder()
              .method(DockerHttpClient.Request.Method.GET)
              .path("/_ping")
              .build();
      try (DockerHttpClient.Response response = client.execute(request)) {
        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8))
            .isEqualTo("nope");
      }
    }
  }

  @Test
  void theChannelSinkSendsTheSameBytesAsAStream() throws Exception {
    Path context = Files.createDirectories(dir.resolve("ctx"));
    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY . /\n");
    Files.write(context.resolve("data.bin"), new byte[300_000]);
    Files.writeString(context.resolve("empty.txt"), "");
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    BuildContext.of(context, context.resolve("Dockerfile")).write(plain);
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    DockerSocketClient.ChunkedOutputStream chunks =
        new DockerSocketClient.ChunkedChannelOutputStream(
            wire, java.nio.channels.Channels.newChannel(wire));
    BuildContext.of(context, context.resolve("Dockerfile")).write(chunks);
    chunks.finish();
    try (InputStream in =
        new DockerSocketClient.ChunkedInputStream(new ByteArrayInputStream(wire.toByteArray()))) {
      assertThat(in.readAllBytes()).isEqualTo(plain.toByteArray());
    }
  }
}

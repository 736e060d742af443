package io.github.shipmaven.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient.Request;
import io.github.shipmaven.context.BuildContext;
import io.github.shipmaven.core.ShipLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The transport against a scripted daemon on a real unix socket. */
class DockerSocketClientTest extends ScriptedDaemonTestBase {
  private DockerSocketClient client(Duration apiIdle) {
    return new DockerSocketClient(daemon.uri(), null, apiIdle);
  }

  private static String text(DockerHttpClient.Response response) throws Exception {
    try (InputStream body = response.getBody()) {
      return new String(body.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void streamsABodyChunkedAndDecodesAChunkedAnswer() throws Exception {
    daemon.on("POST /build", (request, reply) -> reply.stream(List.of("{\"a\":1}")));
    Request request =
        Request.builder()
            .method(Request.Method.POST)
            .path("/build?t=x")
            .putHeader("X-Registry-Config", "e30=")
            .body(new ByteArrayInputStream("context-bytes".getBytes(StandardCharsets.UTF_8)))
            .build();
    try (DockerHttpClient.Response response = client(Duration.ofSeconds(5)).execute(request)) {
      assertThat(response.getStatusCode()).isEqualTo(200);
      assertThat(response.getHeader("content-type")).isEqualTo("application/json");
      assertThat(text(response)).isEqualTo("{\"a\":1}\n");
    }
    ScriptedDaemon.Exchange received = daemon.requests("POST /build").get(0);
    assertThat(received.line()).isEqualTo("POST /build?t=x HTTP/1.1");
    assertThat(received.header("X-Registry-Config")).isEqualTo("e30=");
    assertThat(received.header("Transfer-Encoding")).isEqualTo("chunked");
    assertThat(received.bodyText()).isEqualTo("context-bytes");
  }

  @Test
  void aContextsFilesGoThroughTheUnixSocketByteForByte() throws Exception {
    Path context = Files.createDirectories(dir.resolve("context"));
    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\n");
    byte[] data = new byte[700_000]; // several chunks' worth, not a multiple of 512
    new java.util.Random(7).nextBytes(data);
    Files.write(context.resolve("data.bin"), data);
    Files.writeString(context.resolve("empty.txt"), "");
    BuildContext build = BuildContext.of(context, context.resolve("Dockerfile"));
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    build.write(expected);
    daemon.on("POST /build", (request, reply) -> reply.json(200, "{}"));
    Request request =
        Request.builder()
            .method(Request.Method.POST)
            .path("/build")
            .body(build.stream(ShipLog.NONE))
            .build();
    try (DockerHttpClient.Response response = client(Duration.ofSeconds(5)).execute(request)) {
      assertThat(response.getStatusCode()).isEqualTo(200);
    }
    assertThat(daemon.requests("POST /build").get(0).body()).isEqualTo(expected.toByteArray());
  }

  @Test
  void readsABodyOfKnownLength() throws Exception {
    daemon.on("GET /info", (request, reply) -> reply.json(404, "nope"));
    Request request = Request.builder().method(Request.Method.GET).path("/info").build();
    try (DockerHttpClient.Response response = client(Duration.ofSeconds(5)).execute(request)) {
      assertThat(response.getStatusCode()).isEqualTo(404);
      assertThat(text(response)).isEqualTo("nope");
    }
  }

  @Test
  void aConnectionCutInsideAStreamIsAnErrorNotItsEnd() throws Exception {
    daemon.on(
        "POST /images/",
        (request, reply) -> {
          reply.startStream();
          reply.lines(List.of("{\"status\":\"Preparing\",\"id\":\"abc\"}"));
          // and the daemon goes away without the last chunk
        });
    Request request =
        Request.builder().method(Request.Method.POST).path("/images/x/push?tag=1").build();
    try (DockerHttpClient.Response response = client(Duration.ofSeconds(5)).execute(request)) {
      assertThatThrownBy(() -> text(response))
          .isInstanceOf(EOFException.class)
          .hasMessage("the Docker daemon closed the connection before the end of its answer");
    }
  }

  @Test
  void aDaemonThatSendsNothingIsLeftAfterTheIdleBound() {
    daemon.on("GET /images/", (request, reply) -> reply.holdUntilClientLeaves());
    Request request = Request.builder().method(Request.Method.GET).path("/images/x/json").build();
    long start = System.nanoTime();
    assertThatThrownBy(() -> client(Duration.ofMillis(300)).execute(request))
        .isInstanceOf(UncheckedIOException.class)
        .hasRootCauseInstanceOf(DaemonConnection.IdleTimeoutException.class)
        .hasMessageContaining("the Docker daemon sent nothing for 300 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aStreamThatKeepsMovingIsNotCutByTheIdleBound() throws Exception {
    daemon.on(
        "POST /build",
        (request, reply) -> {
          reply.startStream();
          for (int i = 0; i < 6; i++) {
            reply.lines(List.of("{\"stream\":\"" + i + "\"}"));
            Thread.sleep(100);
          }
          reply.endStream();
        });
    Request request = Request.builder().method(Request.Method.POST).path("/build").build();
    // the build's own bound is minutes; ordinary calls' 250 ms must not apply to it
    try (DockerHttpClient.Response response = client(Duration.ofMillis(250)).execute(request)) {
      assertThat(text(response).lines()).hasSize(6);
    }
  }

  @Test
  void aPushIsLeftToThePushersOwnWatch() throws Exception {
    daemon.on(
        "POST /images/",
        (request, reply) -> {
          reply.startStream();
          Thread.sleep(800);
          reply.lines(List.of("{\"status\":\"Pushed\"}"));
          reply.endStream();
        });
    Request request =
        Request.builder().method(Request.Method.POST).path("/images/x/push?tag=1").build();
    try (DockerHttpClient.Response response = client(Duration.ofMillis(200)).execute(request)) {
      assertThat(text(response)).contains("Pushed");
    }
  }

  @Test
  void aDaemonThatRefusesTheRequestWhileTheBodyIsSentIsHeard() throws Exception {
    daemon.onHead(
        "POST /build",
        (request, reply) -> reply.send(431, "text/plain", "431 Request Header Fields Too Large"));
    byte[] body = new byte[8 * 1024 * 1024]; // more than the socket buffers take
    Request request =
        Request.builder()
            .method(Request.Method.POST)
            .path("/build?labels=huge")
            .body(new ByteArrayInputStream(body))
            .build();
    try (DockerHttpClient.Response response = client(Duration.ofSeconds(5)).execute(request)) {
      assertThat(response.getStatusCode()).isEqualTo(431);
      assertThat(text(response)).isEqualTo("431 Request Header Fields Too Large");
    }
  }
}

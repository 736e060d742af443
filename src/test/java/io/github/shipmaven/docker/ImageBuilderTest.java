package io.github.shipmaven.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import io.github.shipmaven.core.RecordingLog;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.registry.RegistryCredentials;
import java.io.ByteArrayOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** ImageBuilder against a scripted daemon on a unix socket: what it asks, what it concludes. */
@Timeout(60) // a scripted daemon that stops answering must fail the test, not hang the build
class ImageBuilderTest {
  static final String FULL_ID =
      "sha256:36fb1cd1c6fe589fa1ff24a5a00120d8bc7777eca28f40bc0425c1c8f5263bd9";

  @TempDir Path dir;
  ServerSocketChannel daemon;
  final List<String> requests = new CopyOnWriteArrayList<>();
  final List<String> heads = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws Exception {
    daemon.close();
  }

  /** Answers ping, version, inspect, and /build with {@code buildLines} (one JSON per line). */
  DockerClient daemon(String buildLines) throws Exception {
    Path socket = dir.resolve("daemon.sock");
    daemon = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    daemon.bind(UnixDomainSocketAddress.of(socket));
    Thread server = new Thread(() -> serve(buildLines));
    server.setDaemon(true);
    server.start();
    return new DockerConnector(Map.of(), dir, ShipLog.NONE).connect("unix://" + socket);
  }

  private void serve(String buildLines) {
    while (daemon.isOpen()) {
      SocketChannel client;
      try {
        client = daemon.accept();
      } catch (Exception e) {
        return; // the test is over
      }
      try (client) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        String head = "";
        while (client.read(buffer) > 0) {
          received.write(buffer.array(), 0, buffer.position());
          buffer.clear();
          head = received.toString(StandardCharsets.ISO_8859_1);
          boolean headDone = head.contains("\r\n\r\n");
          boolean chunked = head.toLowerCase().contains("transfer-encoding: chunked");
          if (headDone && (!chunked || head.endsWith("0\r\n\r\n"))) {
            break;
          }
        }
        String requestLine = head.substring(0, head.indexOf("\r\n"));
        requests.add(requestLine);
        heads.add(head.substring(0, head.indexOf("\r\n\r\n")));
        String body =
            requestLine.contains("/build")
                ? buildLines
                : requestLine.contains("/version")
                    ? "{\"ApiVersion\":\"1.41\"}"
                    : requestLine.contains("/json") ? "{\"Id\":\"" + FULL_ID + "\"}" : "OK";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        client.write(
            ByteBuffer.wrap(
                ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                        + bytes.length
                        + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1)));
        client.write(ByteBuffer.wrap(bytes));
      } catch (Exception e) {
        // a client that hung up early (a ping reads only the headers): serve the next one
      }
    }
  }

  ImageBuilder.Request request() throws Exception {
    return request(Map.of());
  }

  ImageBuilder.Request request(Map<String, RegistryCredentials> pullLogins) throws Exception {
    Path context = Files.createDirectories(dir.resolve("app"));
    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\n");
    return new ImageBuilder.Request(
        context,
        context.resolve("Dockerfile"),
        List.of("example/app:1"),
        Map.of(),
        Map.of("org.opencontainers.image.revision", "abc"),
        null,
        null,
        false,
        false,
        pullLogins);
  }

  @Test
  void onlyThePullLoginsGoToTheDaemonNeverTheStoredOnes() throws Exception {
    // A docker login the user made: docker-java would send it with every build if it read it.
    Files.createDirectories(dir.resolve(".docker"));
    Files.writeString(
        dir.resolve(".docker/config.json"),
        "{\"auths\":{\"stored.example\":{\"auth\":\"dTpTdG9yZWQtQ2FuYXJ5\"}}}");
    String built = "{\"aux\":{\"ID\":\"" + FULL_ID + "\"}}\n";
    try (DockerClient docker = daemon(built)) {
      new ImageBuilder(docker, ShipLog.NONE).build(request());
      new ImageBuilder(docker, ShipLog.NONE)
          .build(
              request(
                  Map.of(
                      "pull.example",
                      new RegistryCredentials("puller", "Pull-Canary", false, "test"))));
    }
    List<String> builds = heads.stream().filter(h -> h.startsWith("POST /build")).toList();
    assertThat(builds).hasSize(2);
    assertThat(builds.get(0)).doesNotContainIgnoringCase("X-Registry-Config");
    String sent =
        builds
            .get(1)
            .lines()
            .filter(h -> h.startsWith("X-Registry-Config: "))
            .findFirst()
            .orElseThrow();
    String configs =
        new String(
            Base64.getUrlDecoder().decode(sent.substring("X-Registry-Config: ".length())),
            StandardCharsets.UTF_8);
    assertThat(configs).contains("pull.example", "Pull-Canary").doesNotContain("stored.example");
  }

  @Test
  void theAuxIdNamesTheImageWithoutAnInspect() throws Exception {
    RecordingLog log = new RecordingLog();
    try (DockerClient docker =
        daemon(
            "{\"stream\":\"Step 1/1 : FROM scratch\\n\"}\n"
                + "{\"aux\":{\"ID\":\""
                + FULL_ID
                + "\"}}\n"
                + "{\"stream\":\"Successfully built 36fb1cd1c6fe\\n\"}\n")) {
      assertThat(new ImageBuilder(docker, log).build(request())).isEqualTo(FULL_ID);
    }
    assertThat(requests).noneMatch(r -> r.contains("/images/"));
    assertThat(log.lines).contains("Step 1/1 : FROM scratch", "Successfully built 36fb1cd1c6fe");
  }

  @Test
  void withoutAnAuxIdTheDaemonIsAskedForTheFullId() throws Exception {
    try (DockerClient docker = daemon("{\"stream\":\"Successfully built 36fb1cd1c6fe\\n\"}\n")) {
      assertThat(new ImageBuilder(docker, ShipLog.NONE).build(request())).isEqualTo(FULL_ID);
    }
    assertThat(requests).anyMatch(r -> r.startsWith("GET /images/example%2Fapp:1/json"));
  }

  @Test
  void theDaemonsErrorFailsTheBuild() throws Exception {
    try (DockerClient docker =
        daemon("{\"errorDetail\":{\"message\":\"no such step\"},\"error\":\"no such step\"}\n")) {
      assertThatThrownBy(() -> new ImageBuilder(docker, ShipLog.NONE).build(request()))
          .isInstanceOf(ShipException.class)
          .hasMessage("docker build failed: no such step");
    }
    assertThat(requests).noneMatch(r -> r.contains("/images/"));
  }
}

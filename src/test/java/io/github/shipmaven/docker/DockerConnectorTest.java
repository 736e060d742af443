package io.github.shipmaven.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60) // a scripted daemon that stops answering must fail the test, not hang the build
class DockerConnectorTest {
  @TempDir Path home;
  ServerSocketChannel daemon;

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  final List<String> requests = new CopyOnWriteArrayList<>();

  /** A daemon on a unix socket that answers /version with the given API version. */
  Path fakeDaemon(String apiVersion) throws Exception {
    return fakeDaemon(apiVersion, false);
  }

  /**
   * A daemon on a unix socket that answers /_ping (with an Api-Version header if {@code
   * pingNamesVersion}, as daemons since API 1.25 do) and /version with the given API version.
   */
  Path fakeDaemon(String apiVersion, boolean pingNamesVersion) throws Exception {
    Path socket = home.resolve("fake.sock");
    daemon = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    daemon.bind(UnixDomainSocketAddress.of(socket));
    Thread server =
        new Thread(
            () -> {
              while (daemon.isOpen()) {
                try (SocketChannel client = daemon.accept()) {
                  ByteBuffer buffer = ByteBuffer.allocate(8192);
                  StringBuilder request = new StringBuilder();
                  while (!request.toString().contains("\r\n\r\n") && client.read(buffer) > 0) {
                    request.append(
                        new String(
                            buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1));
                    buffer.clear();
                  }
                  requests.add(request.substring(0, request.indexOf("\r\n")));
                  String header = pingNamesVersion ? "Api-Version: " + apiVersion + "\r\n" : "";
                  String body =
                      request.toString().contains("/version")
                          ? "{\"Version\":\"1.0\",\"ApiVersion\":\"" + apiVersion + "\"}"
                          : "OK";
                  client.write(
                      ByteBuffer.wrap(
                          ("HTTP/1.1 200 OK\r\n"
                                  + header
                                  + "Content-Type: application/json\r\nContent-Length: "
                                  + body.length()
                                  + "\r\n\r\n"
                                  + body)
                              .getBytes(StandardCharsets.ISO_8859_1)));
                } catch (Exception e) {
                  return;
                }
              }
            });
    server.setDaemon(true);
    server.start();
    return socket;
  }

  /** Writes a docker context named {@code name} whose endpoint is {@code host}. */
  void context(String name, String host) throws Exception {
    String id =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
    Path meta = Files.createDirectories(home.resolve(".docker/contexts/meta").resolve(id));
    Files.writeString(
        meta.resolve("meta.json"),
        "{\"Name\":\"" + name + "\",\"Endpoints\":{\"docker\":{\"Host\":\"" + host + "\"}}}");
  }

  @Test
  void anExplicitHostIsTheOnlyPlaceTriedAndIsNamed() {
    assertThatThrownBy(
            () ->
                new DockerConnector(Map.of(), home, ShipLog.NONE)
                    .connect("unix:///nonexistent/docker.sock"))
        .isInstanceOf(ShipException.class)
        .hasMessageContaining(
            "tried unix:///nonexistent/docker.sock (<dockerHost>): no such socket")
        .hasMessageContaining("DOCKER_HOST");
  }

  @Test
  void aSocketPathIsNamedAsWritten() {
    assertThatThrownBy(
            () ->
                new DockerConnector(Map.of(), home, ShipLog.NONE)
                    .connect("unix:///nonexistent/my docker/docker.sock"))
        .hasMessageContaining(
            "tried unix:///nonexistent/my docker/docker.sock (<dockerHost>): no such socket");
  }

  @Test
  void aTcpHostWithoutAPortIsTriedOnDockersDefaultPort() {
    assertThatThrownBy(
            () ->
                new DockerConnector(Map.of("DOCKER_HOST", "tcp://127.0.0.1"), home, ShipLog.NONE)
                    .connect(null))
        .isInstanceOf(ShipException.class)
        .hasMessageContaining("tried tcp://127.0.0.1:2375 (DOCKER_HOST): ");
  }

  @Test
  void anSshHostIsAConfigurationErrorNamingTheVariable() {
    assertThatThrownBy(
            () ->
                new DockerConnector(
                        Map.of("DOCKER_HOST", "ssh://deploy@build-host"), home, ShipLog.NONE)
                    .connect(null))
        .isInstanceOfSatisfying(
            ShipException.class, e -> assertThat(e.kind()).isEqualTo(ShipException.Kind.CONFIG))
        .hasMessageStartingWith("DOCKER_HOST is ssh://deploy@build-host, but ship-maven-plugin");
  }

  @Test
  void theCurrentContextOfConfigJsonIsUsed() throws Exception {
    Path socket = fakeDaemon("1.41");
    context("ci", "unix://" + socket);
    Files.writeString(home.resolve(".docker/config.json"), "{\"currentContext\":\"ci\"}");
    try (DockerClient client = new DockerConnector(Map.of(), home, ShipLog.NONE).connect(null)) {
      assertThat(client).isNotNull();
    }
  }

  @Test
  void dockerContextOverridesConfigJsonAndIsNamedWhenItFails() throws Exception {
    context("remote", "unix:///nonexistent/remote.sock");
    Files.createDirectories(home.resolve(".docker"));
    Files.writeString(home.resolve(".docker/config.json"), "{\"currentContext\":\"other\"}");
    assertThatThrownBy(
            () ->
                new DockerConnector(Map.of("DOCKER_CONTEXT", "remote"), home, ShipLog.NONE)
                    .connect(null))
        .hasMessageContaining(
            "unix:///nonexistent/remote.sock (DOCKER_CONTEXT 'remote'): no such socket");
  }

  @Test
  void missingTlsFilesAreOneLineNamingDockerCertPath() throws Exception {
    Path certs = Files.createDirectories(home.resolve("certs"));
    Map<String, String> env =
        Map.of(
            "DOCKER_HOST", "tcp://127.0.0.1:1",
            "DOCKER_TLS_VERIFY", "1",
            "DOCKER_CERT_PATH", certs.toString());
    assertThatThrownBy(() -> new DockerConnector(env, home, ShipLog.NONE).connect(null))
        .isInstanceOf(ShipException.class)
        .hasMessage(
            "The TLS certificates in "
                + certs
                + " cannot be used (no "
                + certs.resolve("ca.pem")
                + "): check DOCKER_CERT_PATH.");
  }

  @Test
  void anUnknownContextIsAClearError() {
    assertThatThrownBy(
            () ->
                new DockerConnector(Map.of("DOCKER_CONTEXT", "nope"), home, ShipLog.NONE)
                    .connect(null))
        .hasMessageContaining("names docker context 'nope'")
        .hasMessageContaining("docker context ls");
  }

  @Test
  void aDaemonBelowTheOldestSupportedApiGetsAClearMessage() throws Exception {
    Path socket = fakeDaemon("1.12");
    assertThatThrownBy(
            () -> new DockerConnector(Map.of(), home, ShipLog.NONE).connect("unix://" + socket))
        .hasMessageContaining("speaks Engine API 1.12")
        .hasMessageContaining("needs 1.24 or newer");
  }

  @Test
  void thePingsApiVersionSparesTheVersionRequest() throws Exception {
    Path socket = fakeDaemon("1.41", true);
    try (DockerClient client =
        new DockerConnector(Map.of(), home, ShipLog.NONE).connect("unix://" + socket)) {
      assertThat(client).isNotNull();
    }
    assertThat(requests).containsExactly("GET /_ping HTTP/1.1");
  }

  @Test
  void anOldApiNamedByThePingGetsTheSameClearMessage() throws Exception {
    Path socket = fakeDaemon("1.12", true);
    assertThatThrownBy(
            () -> new DockerConnector(Map.of(), home, ShipLog.NONE).connect("unix://" + socket))
        .hasMessageContaining("speaks Engine API 1.12");
  }

  @Test
  void withoutTheHeaderTheVersionIsAsked() throws Exception {
    Path socket = fakeDaemon("1.41", false);
    try (DockerClient client =
        new DockerConnector(Map.of(), home, ShipLog.NONE).connect("unix://" + socket)) {
      assertThat(client).isNotNull();
    }
    assertThat(requests).containsExactly("GET /_ping HTTP/1.1", "GET /version HTTP/1.1");
  }

  @Test
  void comparesApiVersionsNumerically() {
    assertThat(DockerConnector.compareVersions("1.41", "1.24")).isPositive();
    assertThat(DockerConnector.compareVersions("1.9", "1.24")).isNegative();
    assertThat(DockerConnector.compareVersions("1.24", "1.24")).isZero();
  }
}

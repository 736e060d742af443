package io.github.shipmaven.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60) // a scripted daemon that stops answering must fail the test, not hang the build
class DockerConnectorTest {
  @TempDir Path home;
  ScriptedDaemon daemon;

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  /** A daemon whose /_ping names {@code apiVersion} or not, and whose /version does. */
  Path fakeDaemon(String apiVersion, boolean pingNamesVersion) throws Exception {
    daemon = ScriptedDaemon.start(home.resolve("daemon"));
    daemon.on(
        "GET /_ping",
        (request, reply) ->
            reply.send(
                200,
                pingNamesVersion ? Map.of("Api-Version", apiVersion) : Map.of("Server", "old"),
                "OK"));
    daemon.on(
        "GET /version",
        (request, reply) ->
            reply.json(200, "{\"Version\":\"1.0\",\"ApiVersion\":\"" + apiVersion + "\"}"));
    return Path.of(daemon.uri().getPath());
  }

  Path fakeDaemon(String apiVersion) throws Exception {
    return fakeDaemon(apiVersion, false);
  }

  List<String> requests() {
    return daemon.requests().stream().map(ScriptedDaemon.Exchange::line).toList();
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
  void aWindowsPipeIsAConfigurationErrorNamingTheVariable() {
    assertThatThrownBy(
            () ->
                new DockerConnector(
                        Map.of("DOCKER_HOST", "npipe:////./pipe/docker_engine"), home, ShipLog.NONE)
                    .connect(null))
        .isInstanceOfSatisfying(
            ShipException.class, e -> assertThat(e.kind()).isEqualTo(ShipException.Kind.CONFIG))
        .hasMessageStartingWith(
            "DOCKER_HOST is npipe:////./pipe/docker_engine, but ship-maven-plugin");
  }

  @Test
  void theCurrentContextOfConfigJsonIsUsed() throws Exception {
    Path socket = fakeDaemon("1.41");
    context("ci", "unix://" + socket);
    Files.writeString(home.resolve(".docker/config.json"), "{\"currentContext\":\"ci\"}");
    try (DockerDaemon client = new DockerConnector(Map.of(), home, ShipLog.NONE).connect(null)) {
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
    try (DockerDaemon client =
        new DockerConnector(Map.of(), home, ShipLog.NONE).connect("unix://" + socket)) {
      assertThat(client).isNotNull();
    }
    assertThat(requests()).containsExactly("GET /_ping HTTP/1.1");
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
    try (DockerDaemon client =
        new DockerConnector(Map.of(), home, ShipLog.NONE).connect("unix://" + socket)) {
      assertThat(client).isNotNull();
    }
    assertThat(requests()).containsExactly("GET /_ping HTTP/1.1", "GET /version HTTP/1.1");
  }

  @Test
  void comparesApiVersionsNumerically() {
    assertThat(DockerConnector.compareVersions("1.41", "1.24")).isPositive();
    assertThat(DockerConnector.compareVersions("1.9", "1.24")).isNegative();
    assertThat(DockerConnector.compareVersions("1.24", "1.24")).isZero();
  }
}

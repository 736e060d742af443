package io.github.shipmaven.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.shipmaven.context.Builder;
import io.github.shipmaven.core.RecordingLog;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.registry.RegistryCredentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ImageBuilder against a scripted daemon on a unix socket: what it asks, what it concludes. */
class ImageBuilderTest extends ScriptedDaemonTestBase {
  static final String FULL_ID =
      "sha256:36fb1cd1c6fe589fa1ff24a5a00120d8bc7777eca28f40bc0425c1c8f5263bd9";

  /**
   * Answers ping, version, inspect, and /build with {@code buildLines} (one JSON per line), and
   * connects to it.
   */
  DockerDaemon daemon(String buildLines) throws Exception {
    daemon.on("POST /build", (request, reply) -> reply.stream(buildLines.lines().toList()));
    daemon.on("GET /images/", (request, reply) -> reply.json(200, "{\"Id\":\"" + FULL_ID + "\"}"));
    return connect();
  }

  List<String> requests() {
    return daemon.requests().stream().map(ScriptedDaemon.Exchange::line).toList();
  }

  ImageBuilder.Request request() throws Exception {
    return request(Map.of());
  }

  ImageBuilder.Request request(Map<String, RegistryCredentials> pullLogins) throws Exception {
    Path context = Files.createDirectories(dir.resolve("app"));
    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\n");
    return BuildRequest.of(context)
        .labels(Map.of("org.opencontainers.image.revision", "abc"))
        .pullLogins(pullLogins)
        .toRequest();
  }

  static final BuilderChoice CLASSIC = new BuilderChoice(Builder.CLASSIC, "classic");

  @Test
  void onlyThePullLoginsGoToTheDaemonNeverTheStoredOnes() throws Exception {
    // A docker login the user made: docker-java would send it with every build if it read it.
    Files.createDirectories(dir.resolve(".docker"));
    Files.writeString(
        dir.resolve(".docker/config.json"),
        "{\"auths\":{\"stored.example\":{\"auth\":\"dTpTdG9yZWQtQ2FuYXJ5\"}}}");
    String built = "{\"aux\":{\"ID\":\"" + FULL_ID + "\"}}\n";
    try (DockerDaemon docker = daemon(built)) {
      new ImageBuilder(docker, ShipLog.NONE).build(request(), CLASSIC);
      new ImageBuilder(docker, ShipLog.NONE)
          .build(
              request(
                  Map.of(
                      "pull.example",
                      new RegistryCredentials("puller", "Pull-Canary", false, "test"))),
              CLASSIC);
    }
    List<ScriptedDaemon.Exchange> builds = daemon.requests("POST /build");
    assertThat(builds).hasSize(2);
    // Each step's container is removed, a failed one's too (forcerm), unlike docker build's
    // default.
    assertThat(builds.get(0).line()).contains("rm=true").contains("forcerm=true");
    assertThat(builds.get(0).header("X-Registry-Config")).isNull();
    String configs =
        new String(
            Base64.getUrlDecoder().decode(builds.get(1).header("X-Registry-Config")),
            StandardCharsets.UTF_8);
    assertThat(configs).contains("pull.example", "Pull-Canary").doesNotContain("stored.example");
  }

  @Test
  void theAuxIdNamesTheImageWithoutAnInspect() throws Exception {
    RecordingLog log = new RecordingLog();
    try (DockerDaemon docker =
        daemon(
            "{\"stream\":\"Step 1/1 : FROM scratch\\n\"}\n"
                + "{\"aux\":{\"ID\":\""
                + FULL_ID
                + "\"}}\n"
                + "{\"stream\":\"Successfully built 36fb1cd1c6fe\\n\"}\n")) {
      assertThat(new ImageBuilder(docker, log).build(request(), CLASSIC)).isEqualTo(FULL_ID);
    }
    assertThat(requests()).noneMatch(r -> r.contains("/images/"));
    assertThat(log.lines).contains("Step 1/1 : FROM scratch", "Successfully built 36fb1cd1c6fe");
  }

  @Test
  void withoutAnAuxIdTheDaemonIsAskedForTheFullId() throws Exception {
    try (DockerDaemon docker = daemon("{\"stream\":\"Successfully built 36fb1cd1c6fe\\n\"}\n")) {
      assertThat(new ImageBuilder(docker, ShipLog.NONE).build(request(), CLASSIC))
          .isEqualTo(FULL_ID);
    }
    assertThat(requests()).anyMatch(r -> r.startsWith("GET /images/example%2Fapp:1/json"));
  }

  @Test
  void theDaemonsErrorFailsTheBuild() throws Exception {
    try (DockerDaemon docker =
        daemon("{\"errorDetail\":{\"message\":\"no such step\"},\"error\":\"no such step\"}\n")) {
      assertThatThrownBy(() -> new ImageBuilder(docker, ShipLog.NONE).build(request(), CLASSIC))
          .isInstanceOf(ShipException.class)
          .hasMessage("docker build failed: no such step");
    }
    assertThat(requests()).noneMatch(r -> r.contains("/images/"));
  }

  @Test
  void podmansFailingRunIsOneLineNamingTheStepAfterItsOutput() throws Exception {
    RecordingLog log = new RecordingLog();
    String stream = new String(Fixtures.podman43("build-fail-run.jsonl"), StandardCharsets.UTF_8);
    try (DockerDaemon docker = daemon(stream)) {
      assertThatThrownBy(() -> new ImageBuilder(docker, log).build(request(), CLASSIC))
          .isInstanceOf(ShipException.class)
          .hasMessage(
              "docker build failed: building at STEP \"RUN echo about to fail && exit 3\": while"
                  + " running runtime: exit status 3");
    }
    assertThat(log.lines).contains("about to fail");
  }
}

package io.github.shipmaven.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.shipmaven.context.Builder;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.docker.BuilderChoice.Daemon;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The builder choice: the table of what decides, and where detect finds the facts. */
class BuilderChoiceTest {

  @ParameterizedTest(name = "{0} | api {1} | Builder-Version {2} | {3} | podman {4} | {5}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          # <builder> | API  | Builder-Version | OS      | Podman | DOCKER_BUILDKIT | builder  | reason
          -           | 1.47 | 2               | linux   | false  | -               | BUILDKIT | BuildKit (the daemon offers it)
          auto        | 1.47 | 2               | linux   | false  | ''              | BUILDKIT | BuildKit (the daemon offers it)
          AUTO        | 1.41 | -               | linux   | false  | -               | BUILDKIT | BuildKit (the daemon has it: Engine API 1.41)
          -           | 1.41 | 1               | linux   | false  | -               | CLASSIC  | classic (the daemon's default builder: Builder-Version 1)
          -           | 1.41 | 1               | linux   | false  | 1               | BUILDKIT | BuildKit (DOCKER_BUILDKIT=1)
          -           | 1.47 | 2               | linux   | false  | 0               | CLASSIC  | classic (DOCKER_BUILDKIT=0)
          -           | 1.47 | 2               | linux   | false  | false           | CLASSIC  | classic (DOCKER_BUILDKIT=false)
          -           | 1.47 | 2               | linux   | false  | TRUE            | BUILDKIT | BuildKit (DOCKER_BUILDKIT=TRUE)
          -           | 1.41 | ''              | linux   | true   | -               | CLASSIC  | classic (Podman builds with its own builder)
          -           | 1.41 | ''              | linux   | true   | 1               | CLASSIC  | classic (Podman builds with its own builder)
          -           | 1.44 | 1               | windows | false  | -               | CLASSIC  | classic (Windows daemons have no BuildKit)
          -           | 1.44 | -               | Windows | false  | 1               | CLASSIC  | classic (Windows daemons have no BuildKit)
          -           | 1.38 | -               | linux   | false  | 1               | CLASSIC  | classic (Engine API 1.38 has no BuildKit; 1.39, Docker 18.09, has)
          -           | 1.39 | -               | linux   | false  | -               | BUILDKIT | BuildKit (the daemon has it: Engine API 1.39)
          -           | -    | -               | -       | false  | -               | BUILDKIT | BuildKit (the daemon has it)
          classic     | 1.47 | 2               | linux   | false  | 1               | CLASSIC  | classic (<builder> classic)
          buildkit    | 1.41 | 1               | linux   | false  | 0               | BUILDKIT | BuildKit (<builder> buildkit)
          """)
  void decides(
      String configured,
      String api,
      String builderVersion,
      String os,
      boolean podman,
      String dockerBuildkit,
      Builder builder,
      String reason) {
    BuilderChoice choice =
        BuilderChoice.decide(
            configured, new Daemon(api, builderVersion, os, podman), dockerBuildkit);
    assertThat(choice.builder()).isEqualTo(builder);
    assertThat(choice.reason()).isEqualTo(reason);
    assertThat(choice).hasToString(reason);
  }

  @Test
  void buildKitAskedOfADaemonWithoutItIsAConfigErrorNamingTheFix() {
    assertThatThrownBy(
            () -> BuilderChoice.decide("buildkit", new Daemon("1.41", "", "linux", true), null))
        .isInstanceOf(ShipException.class)
        .hasFieldOrPropertyWithValue("kind", ShipException.Kind.CONFIG)
        .hasMessage(
            "<builder> (ship.builder) is buildkit, but the daemon is Podman, which builds with its"
                + " own builder: set <builder> to auto or classic.");
    assertThatThrownBy(
            () -> BuilderChoice.decide("buildkit", new Daemon("1.44", "1", "windows", false), null))
        .hasMessage(
            "<builder> (ship.builder) is buildkit, but Windows daemons have no BuildKit: set"
                + " <builder> to auto or classic.");
  }

  @Test
  void anUnknownBuilderOrANonBooleanDockerBuildkitIsAConfigError() {
    Daemon docker = new Daemon("1.47", "2", "linux", false);
    assertThatThrownBy(() -> BuilderChoice.decide("buildx", docker, null))
        .isInstanceOf(ShipException.class)
        .hasFieldOrPropertyWithValue("kind", ShipException.Kind.CONFIG)
        .hasMessage(
            "<builder> (ship.builder) 'buildx' is not one of auto, buildkit, classic: set one of"
                + " them.");
    assertThatThrownBy(() -> BuilderChoice.decide("auto", docker, "yes"))
        .isInstanceOf(ShipException.class)
        .hasMessage(
            "DOCKER_BUILDKIT 'yes' is not a boolean: set it to 1 or 0, or unset it (the docker CLI"
                + " refuses it too).");
  }

  DockerDaemon connect(ScriptedDaemon daemon, Path dir) {
    return new DockerConnector(Map.of(), dir, ShipLog.NONE).connect(daemon.host());
  }

  @Timeout(60)
  @Test
  void detectReadsThePingHeadersSeenWhenConnecting(@TempDir Path dir) throws Exception {
    try (ScriptedDaemon daemon = ScriptedDaemon.start(dir.resolve("daemon"))) {
      daemon.on(
          "GET /_ping",
          (request, reply) ->
              reply.send(
                  200,
                  Map.of("Api-Version", "1.47", "Builder-Version", "2", "OSType", "linux"),
                  "OK"));
      try (DockerDaemon docker = connect(daemon, dir)) {
        assertThat(BuilderChoice.detect(null, docker, Map.of()).reason())
            .isEqualTo("BuildKit (the daemon offers it)");
        assertThat(BuilderChoice.detect("auto", docker, Map.of("DOCKER_BUILDKIT", "0")).reason())
            .isEqualTo("classic (DOCKER_BUILDKIT=0)");
      }
      assertThat(daemon.requests("GET /version")).isEmpty(); // the ping told everything
    }
  }

  @Timeout(60)
  @Test
  void detectKnowsDocker2010ByItsCapturedPing(@TempDir Path dir) throws Exception {
    // Docker 20.10 names no Builder-Version unless configured, yet has BuildKit.
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line : ScriptedDaemon.recorded("docker-20.10/ping.head")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("Content-Length")) {
        headers.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    assertThat(headers).doesNotContainKey("Builder-Version").containsEntry("Ostype", "linux");
    try (ScriptedDaemon daemon = ScriptedDaemon.start(dir.resolve("daemon"))) {
      daemon.on("GET /_ping", (request, reply) -> reply.send(200, headers, "OK"));
      try (DockerDaemon docker = connect(daemon, dir)) {
        assertThat(BuilderChoice.detect(null, docker, Map.of()).reason())
            .isEqualTo("BuildKit (the daemon has it: Engine API 1.41)");
      }
    }
  }

  @Timeout(60)
  @Test
  void detectKnowsPodmanByItsCapturedPing(@TempDir Path dir) throws Exception {
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line : ScriptedDaemon.recorded("podman-4.3/ping.head")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("Content-Length")) {
        headers.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    try (ScriptedDaemon daemon = ScriptedDaemon.start(dir.resolve("daemon"))) {
      daemon.on("GET /_ping", (request, reply) -> reply.send(200, headers, "OK"));
      try (DockerDaemon docker = connect(daemon, dir)) {
        assertThat(BuilderChoice.detect(null, docker, Map.of()).reason())
            .isEqualTo("classic (Podman builds with its own builder)");
      }
    }
  }

  @Timeout(60)
  @Test
  void detectAsksForTheVersionWhenThePingDoesNotTell(@TempDir Path dir) throws Exception {
    try (ScriptedDaemon daemon = ScriptedDaemon.start(dir.resolve("daemon"))) {
      daemon.on(
          "GET /_ping", (request, reply) -> reply.send(200, Map.of("Api-Version", "1.41"), "OK"));
      String version = ScriptedDaemon.recorded("podman-4.3/version.jsonl").get(0);
      daemon.on("GET /version", (request, reply) -> reply.json(200, version));
      try (DockerDaemon docker = connect(daemon, dir)) {
        assertThat(BuilderChoice.detect(null, docker, Map.of()).builder())
            .isEqualTo(Builder.CLASSIC);
      }
      assertThat(daemon.requests("GET /version")).hasSize(1);
    }
  }
}

package io.github.shipmaven.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.shipmaven.context.Builder;
import io.github.shipmaven.core.RecordingLog;
import io.github.shipmaven.core.ShipException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Docker 28.5 (graphdriver and containerd image stores) and Podman 6.1 as captured from the engines
 * of .ci/engines (src/test/resources/daemon-streams/docker-28.5*, podman-6; see
 * /work/notes/engines-streams.md): what they send that Docker 20.10 and Podman 4.3 do not.
 */
class NewerEnginesStreamsTest extends ScriptedDaemonTestBase {
  /** The index buildx made (attested-image.oci.tar): image manifest + attestation manifest. */
  static final String INDEX =
      "sha256:651e7b3f48c683da243cea756eb65efccb37a76cdb9901a105cfcdaf67d92317";

  final RecordingLog log = new RecordingLog();
  final List<Duration> slept = new ArrayList<>();

  /** Answers ping and /version as the engine in {@code engineDir} did. */
  void engine(String engineDir) throws Exception {
    Map<String, String> ping = ScriptedDaemon.headers(engineDir + "/ping.head");
    String version = ScriptedDaemon.recorded(engineDir + "/version.jsonl").get(0);
    daemon.on("GET /_ping", (request, reply) -> reply.send(200, ping, "OK"));
    daemon.on("GET /version", (request, reply) -> reply.json(200, version));
  }

  /** Answers {@code prefix} requests with a recorded 200 stream. */
  void replays(String prefix, String recording) throws Exception {
    List<String> lines = ScriptedDaemon.recorded(recording);
    daemon.on(prefix, (request, reply) -> reply.stream(lines));
  }

  /** Answers {@code prefix} requests with a recorded single JSON document and its status. */
  void answers(String prefix, int status, String recording) throws Exception {
    String body = String.join("\n", ScriptedDaemon.recorded(recording));
    daemon.on(prefix, (request, reply) -> reply.json(status, body));
  }

  String push(String repository, String tag) throws Exception {
    try (DockerDaemon docker = connect()) {
      return ImagePusherTest.pushDaemonStreams(
          new ImagePusher(docker, log, slept::add), repository, tag);
    }
  }

  @Test
  void docker28GraphdriverPushAsRecorded() throws Exception {
    engine("docker-28.5");
    replays("POST /images/", "docker-28.5/push-ok-first-tag.jsonl");
    answers("GET /distribution/", 200, "docker-28.5/distribution-after-push.jsonl");
    assertThat(push("docker-28", "1.0.0"))
        .isEqualTo("sha256:d9e6b38cf1bf94bee92ea340acb9277fde6faedcee02b48b3a7befd369d72b83");
    assertThat(slept).isEmpty();
  }

  @Test
  void docker28ContainerdStorePushHasNoAuxOnlyTheStatusLine() throws Exception {
    engine("docker-28.5-containerd");
    replays("POST /images/", "docker-28.5-containerd/push-ok-first-tag.jsonl");
    answers("GET /distribution/", 200, "docker-28.5-containerd/distribution-after-push.jsonl");
    assertThat(push("docker-28-containerd", "1.0.0"))
        .isEqualTo("sha256:acdc609ffe949eef53bd60812e1f374a3cf0ecf4518f192f9e3dc8dd3a270336");
    assertThat(log.lines)
        .contains(
            "127.0.0.1:5000/daemon-streams/docker-28-containerd:1.0.0: layer af6089563b6e Pushed");
  }

  @Test
  void anOciIndexWithAnAttestationIsPushedAndRecordedByTheIndexDigest() throws Exception {
    // The registry's descriptor lists the attestation's platform unknown/unknown beside
    // linux/amd64.
    engine("docker-28.5-containerd");
    replays("POST /images/", "docker-28.5-containerd/push-index-attestation.jsonl");
    answers(
        "GET /distribution/", 200, "docker-28.5-containerd/distribution-index-attestation.jsonl");
    assertThat(push("attested", "1.0.0")).isEqualTo(INDEX);
    assertThat(log.lines)
        .contains("Pushed 127.0.0.1:5000/daemon-streams/attested:1.0.0 (" + INDEX + ")");
  }

  @Test
  void thePlatformOfAnIndexImageIsItsImageManifestsNotTheAttestations() throws Exception {
    // What the render platform guard and ship:info read: the containerd store inspects an index
    // image as the platform image it holds (linux/amd64), never the attestation's unknown/unknown.
    engine("docker-28.5-containerd");
    answers("GET /images/", 200, "docker-28.5-containerd/images-inspect-index-attestation.jsonl");
    try (DockerDaemon docker = connect()) {
      assertThat(docker.platformOf("127.0.0.1:5000/daemon-streams/attested:1.0.0"))
          .isEqualTo("linux/amd64");
    }
  }

  @Test
  void aWrongPasswordOnTheContainerdStoreIsARefusedLoginNeverRetried() throws Exception {
    // Not Docker 20.10's "unauthorized: authentication required": containerd's resolver words it
    // "unexpected status from HEAD request to …: 401 Unauthorized".
    engine("docker-28.5-containerd");
    replays("POST /images/", "docker-28.5-containerd/push-wrong-password.jsonl");
    assertThatThrownBy(() -> push("docker-28-containerd", "1.0.0"))
        .isInstanceOf(ShipException.class)
        .hasMessageContaining("401 Unauthorized")
        .hasMessageContaining("env SHIP_REGISTRY_*");
    assertThat(daemon.requests("POST /images/")).hasSize(1);
    assertThat(slept).isEmpty();
  }

  @Test
  void podman6PushCarriesAuxInItsStatusLineAndNoDistribution() throws Exception {
    engine("podman-6");
    replays("POST /images/", "podman-6/push-ok-first-tag.jsonl");
    daemon.on(
        "GET /distribution/", (request, reply) -> reply.send(404, "text/plain", "Not Found\n"));
    assertThat(push("podman-6", "1.0.0"))
        .isEqualTo("sha256:147eef063590dd9c5de60584237b83ae1678af2ba63aec58a0c8ecdf5935aaa2");
    assertThat(log.debug).anyMatch(l -> l.contains("Podman does not serve /distribution"));
  }

  @Test
  void podman6AnswersAWrongPasswordWithHttp500AndItIsARefusedLoginNeverRetried() throws Exception {
    // Podman 4.3 put it in a 200 stream; Podman 6.1 answers the push request itself with a 500.
    engine("podman-6");
    answers("POST /images/", 500, "podman-6/push-wrong-password.jsonl");
    assertThatThrownBy(() -> push("podman-6", "1.0.0"))
        .isInstanceOf(ShipException.class)
        .hasMessageContaining("authentication required")
        .hasMessageContaining("env SHIP_REGISTRY_*");
    assertThat(daemon.requests("POST /images/")).hasSize(1);
    assertThat(slept).isEmpty();
  }

  /** A Dockerfile with what Docker's classic builder lacks and Podman's buildah has. */
  ImageBuilder.Request cacheMountAndChmod() throws Exception {
    Path context = Files.createDirectories(dir.resolve("app"));
    Files.writeString(context.resolve("run.sh"), "#!/bin/sh\n");
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM local/busybox:1\n"
            + "RUN --mount=type=cache,target=/root/.m2 echo cached\n"
            + "COPY --chmod=750 run.sh /app/run.sh\n");
    return BuildRequest.of(context).toRequest();
  }

  static final BuilderChoice PODMAN =
      new BuilderChoice(Builder.CLASSIC, "classic (Podman builds with its own builder)");

  @Test
  void podmanBuildsCacheMountsAndChmodThatDockersClassicBuilderRefuses() throws Exception {
    engine("podman-6");
    replays("POST /build", "podman-6/build-good.jsonl");
    try (DockerDaemon docker = connect()) {
      assertThat(new ImageBuilder(docker, log).build(cacheMountAndChmod(), PODMAN))
          .isEqualTo("sha256:" + podman6BuiltId());
    }
    assertThat(daemon.requests("POST /build")).hasSize(1);
    assertThat(log.lines).contains("STEP 2/3: RUN echo built > /www/index.html");
  }

  @Test
  void dockersClassicBuilderRefusesTheSameDockerfileBeforeTheUpload() throws Exception {
    engine("docker-28.5");
    replays("POST /build", "docker-28.5/build-good.jsonl");
    try (DockerDaemon docker = connect()) {
      assertThatThrownBy(
              () ->
                  new ImageBuilder(docker, log)
                      .build(cacheMountAndChmod(), new BuilderChoice(Builder.CLASSIC, "classic")))
          .isInstanceOf(ShipException.class)
          .hasMessageContaining("RUN --mount needs BuildKit");
    }
    assertThat(daemon.requests("POST /build")).isEmpty();
  }

  /** The image id in Podman 6's recorded build stream (its aux line). */
  static String podman6BuiltId() throws Exception {
    String stream =
        String.join("\n", ScriptedDaemon.recorded("podman-6/build-good.jsonl")).replace('\n', ' ');
    java.util.regex.Matcher id =
        java.util.regex.Pattern.compile("\"aux\":\\{\"ID\":\"sha256:([0-9a-f]{64})\"")
            .matcher(stream);
    assertThat(id.find()).as("aux ID in the recording").isTrue();
    return id.group(1);
  }

  @Test
  void theRecordingsHoldNoSecret() throws Exception {
    for (String engine : List.of("docker-28.5", "docker-28.5-containerd", "podman-6")) {
      try (var files = Files.list(Path.of("src/test/resources/daemon-streams", engine))) {
        for (Path file : files.toList()) {
          String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
          assertThat(text).as(file.toString()).doesNotContain("Canary-Reg-Pw-9f41e2");
        }
      }
    }
  }
}

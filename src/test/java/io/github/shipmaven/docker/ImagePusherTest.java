package io.github.shipmaven.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.shipmaven.core.RecordingLog;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.image.ImageReference;
import io.github.shipmaven.registry.RegistryCredentials;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ImagePusher against scripted daemons replaying the push streams of real engines. */
class ImagePusherTest extends ScriptedDaemonTestBase {
  static final String DIGEST =
      "sha256:e17f5bd1ac5e0e5b5c1ea6fbd2ae4a7cdbb3a87a1d7e51e4cc0ab0d8dbf3a2c1";
  static final String OTHER =
      "sha256:0000000000000000000000000000000000000000000000000000000000000001";
  static final ImageReference IMAGE = ImageReference.parse("127.0.0.1:5000/team/app");
  static final RegistryCredentials LOGIN =
      new RegistryCredentials("shipit", "Canary-Push-Pw", false, "env SHIP_REGISTRY_*");

  final RecordingLog log = new RecordingLog();
  final List<Duration> slept = new ArrayList<>();

  @BeforeEach
  void registryServesTheDigest() {
    registryServes(DIGEST);
  }

  /** Docker's answer to GET /distribution/{name}:{tag}/json. */
  void registryServes(String digest) {
    daemon.on(
        "GET /distribution/",
        (request, reply) ->
            reply.json(
                200,
                "{\"Descriptor\":{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
                    + "\"digest\":\""
                    + digest
                    + "\",\"size\":527},\"Platforms\":[{\"architecture\":\"amd64\",\"os\":\"linux\"}]}"));
  }

  /** Answers every push with {@code lines}. */
  void pushAnswers(List<String> lines) {
    daemon.on("POST /images/", (request, reply) -> reply.stream(lines));
  }

  String push(List<String> tags, int retries, Duration stallTimeout) throws Exception {
    try (DockerDaemon docker = connect()) {
      return new ImagePusher(docker, log, slept::add)
          .push(IMAGE, tags, LOGIN, new ImagePusher.Policy(retries, stallTimeout));
    }
  }

  String push() throws Exception {
    return push(List.of("latest"), 3, Duration.ofMinutes(2));
  }

  static List<String> graphdriverStream(String tag) {
    return List.of(
        "{\"status\":\"The push refers to repository [127.0.0.1:5000/team/app]\"}",
        "{\"status\":\"Preparing\",\"progressDetail\":{},\"id\":\"577e974730e9\"}",
        "{\"status\":\"Pushing\",\"progressDetail\":{\"current\":512,\"total\":1024},"
            + "\"progress\":\"[====>   ]\",\"id\":\"577e974730e9\"}",
        "{\"status\":\"Pushed\",\"progressDetail\":{},\"id\":\"577e974730e9\"}",
        "{\"status\":\"" + tag + ": digest: " + DIGEST + " size: 527\"}",
        "{\"progressDetail\":{},\"aux\":{\"Tag\":\""
            + tag
            + "\",\"Digest\":\""
            + DIGEST
            + "\",\"Size\":527}}");
  }

  /** Docker 29's containerd store and Podman: the digest only in the status line. */
  static List<String> statusLineStream(String tag) {
    return List.of(
        "{\"status\":\"The push refers to repository [127.0.0.1:5000/team/app]\"}",
        "{\"status\":\"Preparing\",\"progressDetail\":{},\"id\":\"577e974730e9\"}",
        "{\"status\":\"Pushed\",\"progressDetail\":{},\"id\":\"577e974730e9\"}",
        "{\"status\":\"" + tag + ": digest: " + DIGEST + " size: 527\"}");
  }

  @Test
  void theAuxDigestOfTheGraphdriverStoreIsConfirmedWithTheRegistry() throws Exception {
    pushAnswers(graphdriverStream("latest"));
    assertThat(push()).isEqualTo(DIGEST);
    ScriptedDaemon.Exchange pushed = daemon.requests("POST /images/").get(0);
    assertThat(pushed.line())
        .startsWith("POST /images/127.0.0.1:5000%2Fteam%2Fapp/push?tag=latest");
    ScriptedDaemon.Exchange asked = daemon.requests("GET /distribution/").get(0);
    assertThat(asked.line())
        .startsWith("GET /distribution/127.0.0.1%3A5000%2Fteam%2Fapp%3Alatest/json");
    String auth =
        new String(
            Base64.getUrlDecoder().decode(asked.header("X-Registry-Auth")), StandardCharsets.UTF_8);
    assertThat(auth).contains("\"username\":\"shipit\"", "\"serveraddress\":\"127.0.0.1:5000\"");
    assertThat(log.lines).contains("Pushed 127.0.0.1:5000/team/app:latest (" + DIGEST + ")");
    assertThat(String.join("\n", log.lines)).doesNotContain("Canary-Push-Pw");
  }

  @Test
  void theStatusLineDigestOfDocker29AndPodmanIsEnough() throws Exception {
    pushAnswers(statusLineStream("latest"));
    assertThat(push()).isEqualTo(DIGEST);
  }

  @Test
  void everyTagIsPushedAndItsDigestConfirmed() throws Exception {
    daemon.on(
        "POST /images/",
        (request, reply) -> {
          String tag = request.line().replaceAll(".*tag=([^& ]+).*", "$1");
          reply.stream(statusLineStream(tag));
        });
    assertThat(push(List.of("abc123", "latest"), 0, Duration.ofMinutes(2))).isEqualTo(DIGEST);
    assertThat(daemon.requests("POST /images/")).hasSize(2);
    assertThat(daemon.requests("GET /distribution/")).hasSize(2);
  }

  @Test
  void podmanDoesNotServeTheDistributionEndpointSoTheStreamsDigestStands() throws Exception {
    daemon.on(
        "GET /_ping",
        (request, reply) ->
            reply.send(200, Map.of("Api-Version", "1.41", "Libpod-Api-Version", "4.3.1"), "OK"));
    daemon.on("GET /distribution/", (request, reply) -> reply.send(404, "text/plain", "Not Found"));
    pushAnswers(statusLineStream("latest"));
    assertThat(push()).isEqualTo(DIGEST);
    assertThat(log.debug)
        .anyMatch(l -> l.contains("not confirmed with the registry (Podman does not serve"));
  }

  @Test
  void aDigestTheRegistryDoesNotServeFailsNamingBoth() {
    pushAnswers(graphdriverStream("latest"));
    registryServes(OTHER);
    assertThatThrownBy(this::push)
        .isInstanceOf(ShipException.class)
        .hasMessageContaining("reported digest " + DIGEST)
        .hasMessageContaining("the registry serves " + OTHER);
  }

  @Test
  void aStreamWithNeitherFormOfDigestFails() {
    pushAnswers(
        List.of(
            "{\"status\":\"Preparing\",\"progressDetail\":{},\"id\":\"577e974730e9\"}",
            "{\"status\":\"Pushed\",\"progressDetail\":{},\"id\":\"577e974730e9\"}"));
    assertThatThrownBy(this::push)
        .hasMessage(
            "Push of 127.0.0.1:5000/team/app:latest failed: the push ended without a manifest"
                + " digest from the registry");
  }

  @Test
  void aStatusLineOfAnotherTagIsNoProof() {
    pushAnswers(statusLineStream("other"));
    assertThatThrownBy(this::push).hasMessageContaining("without a manifest digest");
  }

  @Test
  void contentMissingFailsWithTheDaemonsWords() {
    List<String> lines = new ArrayList<>(statusLineStream("latest"));
    lines.add(
        1,
        "{\"progressDetail\":{},\"aux\":{\"ContentMissing\":true,\"Desc\":{\"mediaType\":"
            + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:aaa\",\"size\":9}}}");
    pushAnswers(lines);
    assertThatThrownBy(this::push)
        .hasMessageContaining("failed: the daemon lacks content the push needs")
        .hasMessageContaining("sha256:aaa");
    assertThat(daemon.requests("POST /images/")).hasSize(1);
  }

  @Test
  void aManifestPushedInsteadOfTheIndexIsAWarning() throws Exception {
    List<String> lines = new ArrayList<>(statusLineStream("latest"));
    lines.add(
        "{\"progressDetail\":{},\"aux\":{\"ManifestPushedInsteadOfIndex\":true,"
            + "\"OriginalIndex\":{\"digest\":\"sha256:idx\"},\"SelectedManifest\":{\"digest\":\""
            + DIGEST
            + "\"}}}");
    pushAnswers(lines);
    assertThat(push()).isEqualTo(DIGEST);
    assertThat(log.warnings).anyMatch(l -> l.contains("single-platform manifest"));
  }

  @Test
  void anErrorAfterTheDigestStillFails() {
    List<String> lines = new ArrayList<>(graphdriverStream("latest"));
    lines.add(
        "{\"errorDetail\":{\"message\":\"manifest invalid\"},\"error\":\"manifest invalid\"}");
    pushAnswers(lines);
    assertThatThrownBy(this::push).hasMessageContaining("manifest invalid");
  }

  @Test
  void aRegistry500IsRetriedWithBackoffAndThenSucceeds() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    daemon.on(
        "POST /images/",
        (request, reply) ->
            reply.stream(
                calls.incrementAndGet() == 1
                    ? List.of(
                        "{\"status\":\"Preparing\",\"progressDetail\":{},\"id\":\"577e974730e9\"}",
                        "{\"errorDetail\":{\"message\":\"received unexpected HTTP status: 500"
                            + " Internal Server Error\"},\"error\":\"received unexpected HTTP"
                            + " status: 500 Internal Server Error\"}")
                    : graphdriverStream("latest")));
    assertThat(push()).isEqualTo(DIGEST);
    assertThat(calls).hasValue(2);
    assertThat(slept).containsExactly(Duration.ofSeconds(1));
  }

  @Test
  void aRefusedLoginIsNeverRetriedAndNamesTheSource() {
    pushAnswers(
        List.of(
            "{\"errorDetail\":{\"message\":\"unauthorized: authentication required\"},"
                + "\"error\":\"unauthorized: authentication required\"}"));
    assertThatThrownBy(this::push)
        .isInstanceOfSatisfying(
            ShipException.class, e -> assertThat(e.kind()).isEqualTo(ShipException.Kind.CONFIG))
        .hasMessageContaining("refused the push")
        .hasMessageContaining("env SHIP_REGISTRY_*")
        .hasMessageNotContaining("Canary-Push-Pw");
    assertThat(daemon.requests("POST /images/")).hasSize(1);
    assertThat(slept).isEmpty();
  }

  @Test
  void transientFailuresStopAfterTheRetriesNamingTheAttempts() {
    pushAnswers(
        List.of(
            "{\"errorDetail\":{\"message\":\"Put http://127.0.0.1:5000/v2/: context deadline"
                + " exceeded\"},\"error\":\"context deadline exceeded\"}"));
    assertThatThrownBy(() -> push(List.of("latest"), 2, Duration.ofMinutes(2)))
        .hasMessageContaining(
            "failed after 3 attempts: Put http://127.0.0.1:5000/v2/: context"
                + " deadline exceeded");
    assertThat(slept).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
  }

  @Test
  void aDaemonConnectionCutMidPushIsRetried() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    daemon.on(
        "POST /images/",
        (request, reply) -> {
          if (calls.incrementAndGet() == 1) {
            reply.startStream();
            reply.lines(List.of("{\"status\":\"Preparing\",\"id\":\"577e974730e9\"}"));
            return; // the connection closes without the stream's end
          }
          reply.stream(graphdriverStream("latest"));
        });
    assertThat(push()).isEqualTo(DIGEST);
    assertThat(log.warnings)
        .anyMatch(
            l ->
                l.contains("the connection to the Docker daemon broke off")
                    && l.contains("retrying in 1 s"));
  }

  /** A push that sends a layer's first progress and then nothing until the client leaves. */
  void pushStalls() {
    daemon.on(
        "POST /images/",
        (request, reply) -> {
          reply.startStream();
          reply.lines(
              List.of(
                  "{\"status\":\"Preparing\",\"progressDetail\":{},\"id\":\"577e974730e9\"}",
                  "{\"status\":\"Pushing\",\"progressDetail\":{\"current\":512,\"total\":2048},"
                      + "\"id\":\"577e974730e9\"}"));
          reply.holdUntilClientLeaves();
        });
  }

  /** {@code /info} as the engine recorded in {@code daemon-streams/<engine>} answers it. */
  void infoAs(String recording) throws Exception {
    String info = ScriptedDaemon.recorded(recording).get(0);
    daemon.on("GET /info", (request, reply) -> reply.json(200, info));
  }

  @Test
  void aStallOnDocker20IsNotRetriedIntoTheUploadTheDaemonKeeps() throws Exception {
    infoAs("docker-20.10/info-trimmed.json");
    pushStalls();
    long start = System.nanoTime();
    assertThatThrownBy(() -> push(List.of("latest"), 3, Duration.ofMillis(400)))
        .isInstanceOf(ShipException.class)
        .hasMessage(
            "Push of 127.0.0.1:5000/team/app:latest failed: no progress for 400 ms while pushing"
                + " layer 577e974730e9 (512 B of 2.0 kB) to registry 127.0.0.1:5000; not retried:"
                + " Docker Engine 20.10.24+dfsg1 (API 1.41, linux/amd64) keeps that upload going"
                + " after the push is abandoned, so a retry would wait on it again (it ends when"
                + " the registry closes the connection or the daemon restarts). Check the"
                + " registry, or raise <pushStallTimeout> (ship.push.stallTimeout) if it is just"
                + " slow");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(daemon.requests("POST /images/")).hasSize(1);
    assertThat(slept).isEmpty();
  }

  @Test
  void aStallOnDocker28sGraphdriverStoreIsNotRetriedEither() throws Exception {
    infoAs("docker-28.5/info-trimmed.json");
    pushStalls();
    assertThatThrownBy(() -> push(List.of("latest"), 3, Duration.ofMillis(300)))
        .hasMessageContaining("to registry 127.0.0.1:5000; not retried: ");
    assertThat(daemon.requests("POST /images/")).hasSize(1);
  }

  @Test
  void aStallOnDocker28sContainerdStoreIsRetriedIntoANewUpload() throws Exception {
    infoAs("docker-28.5-containerd/info-trimmed.json");
    pushStalls();
    assertThatThrownBy(() -> push(List.of("latest"), 1, Duration.ofMillis(300)))
        .hasMessageStartingWith(
            "Push of 127.0.0.1:5000/team/app:latest failed after 2 attempts: no progress for 300"
                + " ms while pushing layer 577e974730e9")
        .hasMessageNotContaining("not retried");
    assertThat(daemon.requests("POST /images/")).hasSize(2);
  }

  @Test
  void aDockerThatCannotSayItsImageStoreCountsAsKeepingTheUpload() {
    daemon.on("GET /info", (request, reply) -> reply.json(500, "{\"message\":\"busy\"}"));
    pushStalls();
    assertThatThrownBy(() -> push(List.of("latest"), 3, Duration.ofMillis(300)))
        .hasMessageContaining("not retried");
    assertThat(daemon.requests("POST /images/")).hasSize(1);
  }

  @Test
  void aStallOnPodmanWhichCancelsTheUploadIsRetried() throws Exception {
    asPodman(0);
    pushStalls();
    long start = System.nanoTime();
    assertThatThrownBy(() -> push(List.of("latest"), 1, Duration.ofMillis(400)))
        .hasMessage(
            "Push of 127.0.0.1:5000/team/app:latest failed after 2 attempts: no progress for 400"
                + " ms while pushing layer 577e974730e9 (512 B of 2.0 kB) to registry"
                + " 127.0.0.1:5000; raise <pushStallTimeout> (ship.push.stallTimeout) if the"
                + " registry is just slow");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(daemon.requests("POST /images/")).hasSize(2);
    assertThat(slept).containsExactly(Duration.ofSeconds(1));
    assertThat(daemon.requests("GET /info")).isEmpty();
  }

  /** Podman 4.3's ping, no /distribution, and an image of {@code size} bytes. */
  void asPodman(long size) throws Exception {
    daemon.on(
        "GET /_ping",
        (request, reply) -> reply.send(200, ScriptedDaemon.headers("podman-4.3/ping.head"), "OK"));
    daemon.on(
        "GET /distribution/", (request, reply) -> reply.send(404, "text/plain", "Not Found\n"));
    daemon.on(
        "GET /images/",
        (request, reply) -> reply.json(200, "{\"Id\":\"sha256:ab\",\"Size\":" + size + "}"));
  }

  @Test
  void repeatedProgressThatDoesNotAdvanceIsAStallToo() {
    daemon.on(
        "POST /images/",
        (request, reply) -> {
          reply.startStream();
          for (int i = 0; i < 40; i++) {
            reply.lines(
                List.of(
                    "{\"status\":\"Pushing\",\"progressDetail\":{\"current\":512,\"total\":2048},"
                        + "\"id\":\"577e974730e9\"}"));
            Thread.sleep(50);
          }
          reply.holdUntilClientLeaves();
        });
    assertThatThrownBy(() -> push(List.of("latest"), 0, Duration.ofMillis(500)))
        .hasMessageContaining("no progress for 500 ms while pushing layer 577e974730e9");
  }

  @Test
  void anImageTheDaemonLacksIsAConfigErrorToRunBuildFirst() {
    daemon.on(
        "POST /images/",
        (request, reply) ->
            reply.json(
                404,
                "{\"message\":\"An image does not exist locally with the tag:"
                    + " 127.0.0.1:5000/team/app\"}"));
    assertThatThrownBy(this::push)
        .isInstanceOfSatisfying(
            ShipException.class, e -> assertThat(e.kind()).isEqualTo(ShipException.Kind.CONFIG))
        .hasMessageContaining("run ship:build first");
  }

  @Test
  void requestsAreUnversionedSoADaemonWithAHighMinimumServesThem() throws Exception {
    // Docker 29.0-29.2 refuse clients below API 1.44, but serve unversioned paths.
    daemon.on(
        "[A-Z]+ /v1\\.",
        (request, reply) ->
            reply.json(
                400,
                "{\"message\":\"client version 1.41 is too old. Minimum supported API version is"
                    + " 1.44, please upgrade your client to a newer version\"}"));
    daemon.on(
        "GET /_ping", (request, reply) -> reply.send(200, Map.of("Api-Version", "1.52"), "OK"));
    pushAnswers(statusLineStream("latest"));
    assertThat(push()).isEqualTo(DIGEST);
    assertThat(daemon.requests()).noneMatch(r -> r.line().matches("[A-Z]+ /v[0-9].*"));
  }

  // Real engines' streams, replayed (src/test/resources/daemon-streams).

  /** Pushes {@code 127.0.0.1:5000/daemon-streams/<repository>:<tag>} against recorded answers. */
  String replay(String repository, String tag, String push, String pingHead) throws Exception {
    List<String> lines = ScriptedDaemon.recorded(push);
    daemon.on("POST /images/", (request, reply) -> reply.stream(lines));
    if (pingHead != null) {
      daemon.on(
          "GET /_ping",
          (request, reply) -> reply.send(200, ScriptedDaemon.headers(pingHead), "OK"));
    }
    try (DockerDaemon docker = connect()) {
      return pushDaemonStreams(new ImagePusher(docker, log, slept::add), repository, tag);
    }
  }

  /**
   * Pushes {@code 127.0.0.1:5000/daemon-streams/<repository>:<tag>}, the name the recorded pushes
   * were made with, with {@link #LOGIN} and the default policy.
   */
  static String pushDaemonStreams(ImagePusher pusher, String repository, String tag) {
    return pusher.push(
        ImageReference.parse("127.0.0.1:5000/daemon-streams/" + repository),
        List.of(tag),
        LOGIN,
        new ImagePusher.Policy(3, Duration.ofMinutes(2)));
  }

  @Test
  void docker20GraphdriverPushAsRecorded() throws Exception {
    String recorded = "sha256:958205b52774592dba21ad54b863eb5d8e175697e42eae2a614599c8670ea9e8";
    String served = ScriptedDaemon.recorded("docker-20.10/distribution-after-push.jsonl").get(0);
    daemon.on("GET /distribution/", (request, reply) -> reply.json(200, served));
    assertThat(replay("docker", "1.0.0", "docker-20.10/push-ok-first-tag.jsonl", null))
        .isEqualTo(recorded);
    assertThat(log.lines)
        .contains("127.0.0.1:5000/daemon-streams/docker:1.0.0: layer 4458fd352efc Pushed");
  }

  @Test
  void podmanPushAsRecordedStandsOnItsStatusLine() throws Exception {
    daemon.on(
        "GET /distribution/", (request, reply) -> reply.send(404, "text/plain", "Not Found\n"));
    assertThat(
            replay("podman", "1.0.0", "podman-4.3/push-ok-first-tag.jsonl", "podman-4.3/ping.head"))
        .isEqualTo("sha256:706a597625e27d818617c731e04ba3e106509012d13ed42d2ef2cd1354d17f4f");
    assertThat(log.debug).anyMatch(l -> l.contains("Podman does not serve /distribution"));
  }

  @Test
  void docker29ContainerdPushAsTranscribed() throws Exception {
    String digest = "sha256:cee4ab89a569582e31cbf431cc532042f42b590e93abe554dd0616f1b17f52ce";
    registryServes(digest);
    assertThat(replay("app", "1.0.0", "docker-29/push-ok.jsonl", null)).isEqualTo(digest);
  }

  @Test
  void docker29ManifestInsteadOfIndexIsAWarningNamingWhatWasPushed() throws Exception {
    String digest = "sha256:28c6afdcbd46c113875baf245e6b2d2c31b057272320c387113984b87fad54df";
    registryServes(digest);
    assertThat(replay("alpine", "3.21", "docker-29/push-manifest-instead-of-index.jsonl", null))
        .isEqualTo(digest);
    assertThat(log.warnings)
        .singleElement()
        .asString()
        .contains("single-platform manifest instead of the image index")
        .contains(digest);
  }

  @Test
  void docker29ContentMissingFailsWithTheDaemonsWords() {
    assertThatThrownBy(() -> replay("app", "1.0.0", "docker-29/push-content-missing.jsonl", null))
        .hasMessageContaining("the daemon lacks content the push needs")
        .hasMessageContaining(
            "sha256:d245bb5e418a2284be988b6702098e1da737f38a91d5a433c87f9d0e9d4c49ca");
    assertThat(slept).isEmpty();
  }

  @Test
  void docker29UnknownTagMeansBuildFirst() {
    assertThatThrownBy(
            () -> replay("never-built", "1.0.0", "docker-29/push-unknown-image.jsonl", null))
        .hasMessageContaining("run ship:build first");
  }

  @Test
  void podmansRefusedLoginAsRecordedIsNotRetried() {
    assertThatThrownBy(
            () ->
                replay(
                    "podman",
                    "1.0.0",
                    "podman-4.3/push-wrong-password.jsonl",
                    "podman-4.3/ping.head"))
        .isInstanceOfSatisfying(
            ShipException.class, e -> assertThat(e.kind()).isEqualTo(ShipException.Kind.CONFIG))
        .hasMessageContaining("unauthorized: authentication required");
    assertThat(slept).isEmpty();
  }

  @Test
  void aPushWithoutALoginStillSendsAnEmptyOne() throws Exception {
    pushAnswers(statusLineStream("latest"));
    try (DockerDaemon docker = connect()) {
      new ImagePusher(docker, log, slept::add)
          .push(IMAGE, List.of("latest"), null, new ImagePusher.Policy(0, Duration.ofMinutes(2)));
    }
    // Docker 20.10 answers a push without X-Registry-Auth with 400.
    for (ScriptedDaemon.Exchange request : daemon.requests()) {
      if (!request.line().startsWith("GET /_ping")) {
        assertThat(
                new String(
                    Base64.getUrlDecoder().decode(request.header("X-Registry-Auth")),
                    StandardCharsets.UTF_8))
            .doesNotContain("shipit")
            .matches("\\{}|.*\"serveraddress\":\"127.0.0.1:5000\".*");
      }
    }
  }

  @Test
  void aVersionRefusalSaysWhichVersionTheDaemonNeeds() throws Exception {
    String tooOld = ScriptedDaemon.recorded("docker-29/version-too-old.json").get(0);
    daemon.on("POST /images/", (request, reply) -> reply.json(400, tooOld));
    assertThatThrownBy(this::push)
        .hasMessageContaining("refused Engine API 1.41 and needs 1.44 or newer");
  }

  @Test
  void onPodmanWhoseStreamShowsNoProgressThePushIsBoundedAsAWholeByItsSize() throws Exception {
    asPodman(5 * 1024 * 1024 / 2);
    List<String> recorded = ScriptedDaemon.recorded("podman-4.3/push-ok-first-tag.jsonl");
    daemon.on(
        "POST /images/",
        (request, reply) -> {
          reply.startStream();
          reply.lines(recorded.subList(0, 1));
          Thread.sleep(1500); // a healthy upload, silent as Podman's is
          reply.lines(recorded.subList(1, 2));
          reply.endStream();
        });
    try (DockerDaemon docker = connect()) {
      assertThat(
              new ImagePusher(docker, log, slept::add)
                  .push(
                      ImageReference.parse("127.0.0.1:5000/daemon-streams/podman"),
                      List.of("1.0.0"),
                      LOGIN,
                      new ImagePusher.Policy(0, Duration.ofMillis(500))))
          .isEqualTo("sha256:706a597625e27d818617c731e04ba3e106509012d13ed42d2ef2cd1354d17f4f");
    }
    assertThat(daemon.requests("GET /images/").get(0).line())
        .startsWith("GET /images/127.0.0.1:5000/daemon-streams/podman:1.0.0/json ");
    assertThat(log.lines)
        .contains(
            "127.0.0.1:5000/daemon-streams/podman:1.0.0: Podman reports no progress while it"
                + " pushes, so the push is bounded as a whole, at 3.5 s (<pushStallTimeout> plus 1"
                + " s per MB of the image's 2.5 MB).");
  }

  @Test
  void onPodmanASilentPushPastItsWholeBoundIsAbandoned() throws Exception {
    asPodman(1_000);
    pushStalls();
    long start = System.nanoTime();
    assertThatThrownBy(() -> push(List.of("latest"), 0, Duration.ofMillis(300)))
        .hasMessageContaining("no progress for 1.3 s while pushing layer 577e974730e9");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }
}

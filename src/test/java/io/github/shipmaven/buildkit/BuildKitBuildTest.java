package io.github.shipmaven.buildkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.github.shipmaven.buildkit.protoc.BuildkitStatusProto;
import io.github.shipmaven.context.Builder;
import io.github.shipmaven.core.RecordingLog;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.docker.BuildRequest;
import io.github.shipmaven.docker.BuilderChoice;
import io.github.shipmaven.docker.DockerDaemon;
import io.github.shipmaven.docker.Fixtures;
import io.github.shipmaven.docker.ImageBuilder;
import io.github.shipmaven.docker.ScriptedDaemon;
import io.github.shipmaven.docker.ScriptedDaemon.Exchange;
import io.github.shipmaven.docker.ScriptedDaemonTestBase;
import io.github.shipmaven.registry.RegistryCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ImageBuilder with BuildKit against a scripted daemon replaying Docker 20.10's streams. */
class BuildKitBuildTest extends ScriptedDaemonTestBase {
  static final String GOOD_ID =
      "sha256:f2bbcc4ad30dcc53afa02f05ee168028637320afeb41c4f69758e0c2df3c17ef";
  static final BuilderChoice BUILDKIT = new BuilderChoice(Builder.BUILDKIT, "BuildKit (test)");
  static final String PRIVATE_BASE = "127.0.0.1:5000/ship-fixture/private-base:1";
  static final String PASSWORD = "Canary-Reg-Pw-9f41e2";
  static final RegistryCredentials LOGIN =
      new RegistryCredentials("shipit", PASSWORD, false, "settings.xml server '127.0.0.1:5000'");

  final RecordingLog log = new RecordingLog();
  Path context;

  @BeforeEach
  void context() throws Exception {
    context = Files.createDirectories(dir.resolve("app"));
    Files.writeString(context.resolve("hello.txt"), "hello from the fixture\n");
    dockerfile("FROM local/busybox:1\nCOPY hello.txt /app/hello.txt\n");
  }

  void dockerfile(String text) throws Exception {
    Files.writeString(context.resolve("Dockerfile"), text);
  }

  ImageBuilder.Request request(boolean pull, Map<String, RegistryCredentials> logins) {
    return BuildRequest.of(context).pull(pull).network("host").pullLogins(logins).toRequest();
  }

  String build(ImageBuilder.Request request) {
    try (DockerDaemon docker = connect()) {
      return new ImageBuilder(docker, log, new BuildKitBuilder(log)).build(request, BUILDKIT);
    }
  }

  String build() {
    return build(request(false, Map.of()));
  }

  /** A Docker 20.10 stream, one chunk a line as the daemon flushes them. */
  static List<String> recorded(String fixture) throws IOException {
    return ScriptedDaemon.recorded("docker-20.10/" + fixture);
  }

  void answer(String start, List<String> lines) {
    daemon.on(start, (request, reply) -> reply.stream(lines));
  }

  void buildAnswers(String fixture) throws IOException {
    answer("POST /build", recorded(fixture));
  }

  /** The decoded values of query parameter {@code name} of a request. */
  static List<String> query(Exchange request, String name) {
    String path = request.line().split(" ")[1];
    List<String> values = new ArrayList<>();
    int question = path.indexOf('?');
    if (question < 0) {
      return values;
    }
    for (String pair : path.substring(question + 1).split("&")) {
      String[] kv = pair.split("=", 2);
      if (URLDecoder.decode(kv[0], StandardCharsets.UTF_8).equals(name)) {
        values.add(kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
      }
    }
    return values;
  }

  @Test
  void theRequestCarriesEveryParameterAndTheContextAndNoLogins() throws Exception {
    Files.createDirectories(context.resolve("docker"));
    Files.move(context.resolve("Dockerfile"), context.resolve("docker/Dockerfile"));
    buildAnswers("buildkit-good.jsonl");
    Map<String, String> buildArgs = new LinkedHashMap<>();
    buildArgs.put("VERSION", "1.0");
    buildArgs.put("GREETING", "a b&c=d");
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("org.opencontainers.image.revision", "0123abc");
    labels.put("org.opencontainers.image.title", "app");

    String id =
        build(
            new ImageBuilder.Request(
                context,
                context.resolve("docker/Dockerfile"),
                List.of("example/app:1", "example/app:latest"),
                buildArgs,
                labels,
                "runtime",
                "linux/amd64",
                false,
                true,
                "none",
                List.of("example/app:cache", "example/app:latest"),
                Map.of()));

    assertThat(id).isEqualTo(GOOD_ID);
    Exchange build = daemon.requests("POST /build").get(0);
    assertThat(build.line()).startsWith("POST /build?version=2&");
    // As the CLI: BuildKit fetches the Dockerfile from its directory, named by its base name, and
    // the context through the session (see FileSyncTest); the request has no body.
    assertThat(query(build, "dockerfile")).containsExactly("Dockerfile");
    assertThat(query(build, "remote")).containsExactly("client-session");
    assertThat(query(build, "session")).singleElement().asString().matches("[0-9a-z]{25}");
    assertThat(daemon.requests("POST /session").get(0).header("X-Docker-Expose-Session-Uuid"))
        .isEqualTo(query(build, "session").get(0));
    assertThat(query(build, "t")).containsExactly("example/app:1", "example/app:latest");
    assertThat(json(query(build, "buildargs").get(0)))
        .isEqualTo(json("{\"VERSION\":\"1.0\",\"GREETING\":\"a b&c=d\"}"));
    assertThat(json(query(build, "labels").get(0)))
        .isEqualTo(
            json(
                "{\"org.opencontainers.image.revision\":\"0123abc\","
                    + "\"org.opencontainers.image.title\":\"app\"}"));
    assertThat(json(query(build, "cachefrom").get(0)))
        .isEqualTo(json("[\"example/app:cache\",\"example/app:latest\"]"));
    assertThat(query(build, "target")).containsExactly("runtime");
    assertThat(query(build, "platform")).containsExactly("linux/amd64");
    assertThat(query(build, "nocache")).containsExactly("1");
    assertThat(query(build, "networkmode")).containsExactly("none");
    assertThat(query(build, "pull")).isEmpty();
    assertThat(build.header("Content-Length")).isEqualTo("0");
    assertThat(build.body()).isEmpty();
    // BuildKit reads no logins from the request: none are sent.
    assertThat(build.header("X-Registry-Config")).isNull();
    assertThat(build.header("X-Registry-Auth")).isNull();
    assertThat(daemon.requests("POST /images/create")).isEmpty();
    assertThat(log.lines.get(0)).isEqualTo("Builder: BuildKit (test)");
    assertThat(log.lines)
        .contains(
            "#6 building in /",
            "#7 DONE 0.1s",
            "Successfully tagged ship-fixture/bk-good:1",
            "Successfully tagged ship-fixture/bk-good:latest");
  }

  @Test
  void anIgnoredDockerfileThatNoCopyTakesInIsNoWarning() throws Exception {
    Files.writeString(context.resolve(".dockerignore"), "Dockerfile\n");
    buildAnswers("buildkit-good.jsonl");

    assertThat(build()).isEqualTo(GOOD_ID);

    assertThat(log.warnings).isEmpty();
  }

  @Test
  void pullWithNoBaseImageBehindALoginIsLeftToBuildKit() throws Exception {
    buildAnswers("buildkit-good.jsonl");
    assertThat(build(request(true, Map.of()))).isEqualTo(GOOD_ID);
    assertThat(query(daemon.requests("POST /build").get(0), "pull")).containsExactly("1");
    assertThat(daemon.requests("POST /images/create")).isEmpty();
  }

  @Test
  void aFailingStepIsOneMessageNamingTheStepAndItsLastOutput() throws Exception {
    buildAnswers("buildkit-failing-run.jsonl");
    assertThatThrownBy(this::build)
        .isInstanceOf(ShipException.class)
        .hasFieldOrPropertyWithValue("kind", ShipException.Kind.RUNTIME)
        .hasMessage(
            "docker build failed in step [3/3] RUN echo step one && for i in 1 2 3 4 5 6 7 8 9 10"
                + " 11 12; do echo \"line $i\"; done && echo \"about to fail\" >&2 && exit 3: exit"
                + " code: 3. Its last output lines:\n"
                + "  line 4\n"
                + "  line 5\n"
                + "  line 6\n"
                + "  line 7\n"
                + "  line 8\n"
                + "  line 9\n"
                + "  line 10\n"
                + "  line 11\n"
                + "  line 12\n"
                + "  about to fail");
  }

  @Test
  void aFailingStepInDocker23sWordingIsShortenedTheSameWay() throws Exception {
    // Docker 23+ (BuildKit 0.11+) words a failed RUN 'process "..." did not complete successfully'.
    String error = "process \"/bin/sh -c make\" did not complete successfully: exit code: 2";
    BuildkitStatusProto.Vertex.Builder run =
        BuildkitStatusProto.Vertex.newBuilder()
            .setDigest("sha256:run")
            .setName("[2/2] RUN make")
            .setStarted(Timestamp.newBuilder().setSeconds(1));
    answer(
        "POST /build",
        List.of(
            trace(
                BuildkitStatusProto.StatusResponse.newBuilder()
                    .addVertexes(run)
                    .addLogs(
                        BuildkitStatusProto.VertexLog.newBuilder()
                            .setVertex("sha256:run")
                            .setStream(2)
                            .setMsg(
                                ByteString.copyFromUtf8("make: *** No rule to make target\n")))),
            trace(
                BuildkitStatusProto.StatusResponse.newBuilder()
                    .addVertexes(
                        run.clone()
                            .setCompleted(Timestamp.newBuilder().setSeconds(2))
                            .setError(error))),
            "{\"errorDetail\":{\"message\":\"" + error.replace("\"", "\\\"") + "\"}}"));
    assertThatThrownBy(this::build)
        .isInstanceOf(ShipException.class)
        .hasMessage(
            "docker build failed in step [2/2] RUN make: exit code: 2. Its last output lines:\n"
                + "  make: *** No rule to make target");
  }

  private static String trace(BuildkitStatusProto.StatusResponse.Builder update) {
    return "{\"id\":\"moby.buildkit.trace\",\"aux\":\""
        + Base64.getEncoder().encodeToString(update.build().toByteArray())
        + "\"}";
  }

  @Test
  void aMissingBridgeNetworkNamesTheNetworkParameterAndItsFix() throws Exception {
    buildAnswers("buildkit-network-bridge-not-found.jsonl");
    ImageBuilder.Request request =
        BuildRequest.of(context).network(null /* default */).cacheFrom(null).toRequest();
    assertThatThrownBy(() -> build(request))
        .isInstanceOf(ShipException.class)
        .hasFieldOrPropertyWithValue("kind", ShipException.Kind.CONFIG)
        .hasMessage(
            "docker build failed in step [2/2] RUN echo needs a network: network bridge not found"
                + " (BuildKit runs RUN steps on the daemon's default bridge network, which this"
                + " daemon does not have, e.g. dockerd --bridge=none; <network> is default): set"
                + " <network> (ship.network) to host, or to none if the steps need no network.");
    assertThat(query(daemon.requests("POST /build").get(0), "networkmode"))
        .containsExactly("default");
  }

  @Test
  void aBaseImageBehindALoginWithNoLoginFoundSaysHowToGiveOne() throws Exception {
    buildAnswers("buildkit-base-behind-login.jsonl");
    assertThatThrownBy(this::build)
        .isInstanceOf(ShipException.class)
        .hasFieldOrPropertyWithValue("kind", ShipException.Kind.CONFIG)
        .hasMessage(
            "docker build failed in step [internal] load metadata for "
                + PRIVATE_BASE
                + ": no active sessions (the plugin's BuildKit session serves no registry logins"
                + " yet): give ship:build a login for 127.0.0.1:5000 (a settings.xml"
                + " <server> with that id, or a docker login) so it pulls "
                + PRIVATE_BASE
                + " before the build, or set <builder> (ship.builder) to classic.");
  }

  @Test
  void aConnectionCutMidStreamIsReportedAsSuch() throws Exception {
    List<String> good = recorded("buildkit-good.jsonl");
    daemon.on(
        "POST /build",
        (request, reply) -> {
          reply.startStream();
          reply.lines(good.subList(0, 17)); // the RUN step has started; no end of stream
        });
    assertThatThrownBy(this::build)
        .isInstanceOf(ShipException.class)
        .hasFieldOrPropertyWithValue("kind", ShipException.Kind.RUNTIME)
        .hasMessage(
            "docker build failed: the Docker daemon closed the connection during the build, in"
                + " step [3/3] RUN echo \"building in $(pwd)\" && cat /app/hello.txt && echo done >"
                + " /app/done (the Docker daemon closed the connection before the end of its"
                + " answer).");
  }

  @Test
  void aStreamThatEndsWithoutTheImageIdFails() throws Exception {
    answer(
        "POST /build",
        recorded("buildkit-good.jsonl").stream()
            .filter(line -> !line.contains("moby.image.id"))
            .toList());
    assertThatThrownBy(this::build)
        .isInstanceOf(ShipException.class)
        .hasMessage(
            "docker build failed: the build output ended without the id of the image built (no"
                + " moby.image.id); the last step was exporting to image: the Docker daemon may"
                + " have stopped during the build.");
  }

  @Test
  void anErrorAnywhereIsNeverGreenEvenWithAnImageId() throws Exception {
    List<String> lines = new ArrayList<>(recorded("buildkit-good.jsonl"));
    lines.add("{\"errorDetail\":{\"message\":\"export failed\"},\"error\":\"export failed\"}");
    answer("POST /build", lines);
    assertThatThrownBy(this::build)
        .isInstanceOf(ShipException.class)
        .hasMessage("docker build failed: export failed");
  }

  @Test
  void anHttpErrorNamesTheDaemonsMessage() throws Exception {
    daemon.on(
        "POST /build",
        (request, reply) ->
            reply.json(
                500, "{\"message\":\"network mode \\\"bridge\\\" not supported by buildkit\"}"));
    assertThatThrownBy(this::build)
        .isInstanceOf(ShipException.class)
        .hasMessage(
            "docker build failed: the Docker daemon answered HTTP 500: network mode \"bridge\" not"
                + " supported by buildkit");
  }

  @Test
  void aBaseImageBehindALoginIsPulledWithItsLoginBeforeTheBuild() throws Exception {
    dockerfile(
        "FROM "
            + PRIVATE_BASE
            + "\nCOPY --from=docker.io/library/alpine:3 /etc/os-release /\nRUN true\n");
    daemon.on(
        "GET /images/", (request, reply) -> reply.json(404, "{\"message\":\"No such image\"}"));
    answer("POST /images/create", recorded("images-create-login.jsonl"));
    buildAnswers("buildkit-good.jsonl");

    assertThat(build(request(false, Map.of("127.0.0.1:5000", LOGIN)))).isEqualTo(GOOD_ID);

    List<Exchange> pulls = daemon.requests("POST /images/create");
    assertThat(pulls).hasSize(1); // alpine has no login: BuildKit pulls it
    Exchange pull = pulls.get(0);
    assertThat(query(pull, "fromImage"))
        .containsExactly("127.0.0.1:5000/ship-fixture/private-base");
    assertThat(query(pull, "tag")).containsExactly("1");
    String auth = pull.header("X-Registry-Auth");
    JsonNode login = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(auth));
    assertThat(login.path("username").asText()).isEqualTo("shipit");
    assertThat(login.path("password").asText()).isEqualTo(PASSWORD);
    assertThat(login.path("serveraddress").asText()).isEqualTo("127.0.0.1:5000");
    assertThat(daemon.requests().indexOf(pull))
        .isLessThan(daemon.requests().indexOf(daemon.requests("POST /build").get(0)));
    Exchange build = daemon.requests("POST /build").get(0);
    assertThat(build.header("X-Registry-Config")).isNull();
    assertThat(query(build, "pull")).isEmpty();
    assertThat(log.lines)
        .contains(
            "Pulled base image "
                + PRIVATE_BASE
                + " with the login from settings.xml server '127.0.0.1:5000'");
    assertNoSecretIn(String.join("\n", log.lines), auth);
  }

  @Test
  void aBaseImageTheDaemonHasIsNotPulledAgain() throws Exception {
    dockerfile("FROM " + PRIVATE_BASE + "\n");
    daemon.on("GET /images/", (request, reply) -> reply.json(200, "{\"Id\":\"" + GOOD_ID + "\"}"));
    buildAnswers("buildkit-good.jsonl");
    assertThat(build(request(false, Map.of("127.0.0.1:5000", LOGIN)))).isEqualTo(GOOD_ID);
    assertThat(daemon.requests("POST /images/create")).isEmpty();
    assertThat(daemon.requests("GET /images/").get(0).line())
        .startsWith("GET /images/127.0.0.1:5000%2Fship-fixture%2Fprivate-base:1/json ");
  }

  @Test
  void withPullEveryBaseImageIsPulledBeforeTheBuildWhenOneIsBehindALogin() throws Exception {
    dockerfile("FROM " + PRIVATE_BASE + "\nCOPY --from=alpine /etc/os-release /\n");
    answer("POST /images/create", recorded("images-create-login.jsonl"));
    buildAnswers("buildkit-good.jsonl");

    assertThat(build(request(true, Map.of("127.0.0.1:5000", LOGIN)))).isEqualTo(GOOD_ID);

    List<Exchange> pulls = daemon.requests("POST /images/create");
    assertThat(pulls)
        .extracting(p -> query(p, "fromImage").get(0) + ":" + query(p, "tag").get(0))
        .containsExactly("127.0.0.1:5000/ship-fixture/private-base:1", "alpine:latest");
    assertThat(pulls.get(0).header("X-Registry-Auth")).isNotNull();
    assertThat(pulls.get(1).header("X-Registry-Auth")).isNull();
    // BuildKit's own pull would fail on the image behind the login: not asked for.
    assertThat(query(daemon.requests("POST /build").get(0), "pull")).isEmpty();
    assertThat(log.lines).contains("Pulled base image alpine");
  }

  @Test
  void aRefusedLoginIsOneLineNamingItsSourceAndNoBuildIsStarted() throws Exception {
    dockerfile("FROM " + PRIVATE_BASE + "\n");
    daemon.on(
        "GET /images/", (request, reply) -> reply.json(404, "{\"message\":\"No such image\"}"));
    String refused =
        new String(
            Fixtures.docker2010("images-create-wrong-password.jsonl"), StandardCharsets.UTF_8);
    daemon.on("POST /images/create", (request, reply) -> reply.json(500, refused));
    buildAnswers("buildkit-good.jsonl");

    assertThatThrownBy(() -> build(request(false, Map.of("127.0.0.1:5000", LOGIN))))
        .isInstanceOf(ShipException.class)
        .hasFieldOrPropertyWithValue("kind", ShipException.Kind.CONFIG)
        .hasMessage(
            "Registry 127.0.0.1:5000 refused the pull of base image "
                + PRIVATE_BASE
                + " with the login from settings.xml server '127.0.0.1:5000': unauthorized:"
                + " authentication required. Check that username and password are right and may"
                + " pull it.")
        .satisfies(
            e ->
                assertNoSecretIn(
                    e.getMessage(),
                    daemon.requests("POST /images/create").get(0).header("X-Registry-Auth")));
    assertThat(daemon.requests("POST /build")).isEmpty();
  }

  private void assertNoSecretIn(String text, String authHeader) {
    assertThat(text)
        .doesNotContain(PASSWORD)
        .doesNotContain(
            Base64.getEncoder().encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8)))
        .doesNotContain(
            Base64.getEncoder()
                .encodeToString(("shipit:" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
        .doesNotContain(authHeader);
  }

  private static JsonNode json(String text) throws Exception {
    return new ObjectMapper().readTree(text);
  }

  private static List<String> tarEntries(byte[] tar) throws Exception {
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      for (TarArchiveEntry entry; (entry = in.getNextEntry()) != null; ) {
        names.add(entry.getName());
      }
    }
    return names;
  }
}

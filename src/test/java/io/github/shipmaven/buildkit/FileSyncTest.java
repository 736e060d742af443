package io.github.shipmaven.buildkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.shipmaven.context.Builder;
import io.github.shipmaven.core.RecordingLog;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.docker.BuilderChoice;
import io.github.shipmaven.docker.DockerConnector;
import io.github.shipmaven.docker.DockerDaemon;
import io.github.shipmaven.docker.ImageBuilder;
import io.github.shipmaven.docker.ScriptedDaemon;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The session's file sync against DiffCopy exchanges recorded from real engines, Docker 20.10 and
 * Docker 28.5 with its graphdriver and containerd image stores ({@link DiffCopyCapture}): the
 * daemon's calls, with its metadata and packets, are replayed on a real upgraded connection through
 * HTTP/2, and what the session answers must be what the daemon got then, byte for byte: the stats
 * (order, Go mode bits with setuid and sticky, times before 1970, hard links, symlinks, the
 * .dockerignore rules with ! and **, a non-ASCII name, an empty directory), the files asked for and
 * nothing else, and FIN.
 */
@Timeout(60)
class FileSyncTest {
  static final BuilderChoice BUILDKIT = new BuilderChoice(Builder.BUILDKIT, "BuildKit (test)");
  static final String GOOD_ID =
      "sha256:f2bbcc4ad30dcc53afa02f05ee168028637320afeb41c4f69758e0c2df3c17ef";

  @TempDir Path dir;
  ScriptedDaemon daemon;
  DaemonSession session;
  final RecordingLog log = new RecordingLog();
  final List<Throwable> daemonFailures = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    daemon = ScriptedDaemon.start(dir.resolve("daemon"));
    session = DaemonSession.on(daemon);
  }

  @AfterEach
  void stop() throws Exception {
    session.close();
    daemon.close();
  }

  static JsonNode recording(String engine, String scenario) throws IOException {
    try (InputStream in =
        FileSyncTest.class.getResourceAsStream(
            "/daemon-streams/" + engine + "/filesync-" + scenario + ".json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  String build(Path context, Path dockerfile) {
    ImageBuilder.Request request =
        new ImageBuilder.Request(
            context,
            dockerfile,
            List.of("example/app:1"),
            Map.of(),
            Map.of(),
            null,
            null,
            false,
            false,
            "none",
            List.of(),
            Map.of());
    try (DockerDaemon docker =
        new DockerConnector(Map.of(), dir, ShipLog.NONE).connect(daemon.host())) {
      return new ImageBuilder(docker, log, new BuildKitBuilder(log)).build(request, BUILDKIT);
    }
  }

  /** Answers the build once {@code calls} ran on the session. */
  void buildRuns(DaemonCalls calls) {
    daemon.on(
        "POST /build",
        (request, reply) -> {
          try {
            calls.run();
          } catch (Throwable e) {
            daemonFailures.add(e);
          }
          reply.stream(ScriptedDaemon.recorded("docker-20.10/buildkit-good.jsonl"));
        });
  }

  @FunctionalInterface
  interface DaemonCalls {
    void run() throws Exception;
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "docker-20.10, copy-src",
    "docker-20.10, copy-all",
    "docker-20.10, copy-all-rebuilt",
    "docker-28.5, copy-src",
    "docker-28.5, copy-all",
    "docker-28.5, copy-all-rebuilt",
    "docker-28.5-containerd, copy-src",
    "docker-28.5-containerd, copy-all",
    "docker-28.5-containerd, copy-all-rebuilt"
  })
  void answersARecordedDaemonExactlyAsThen(String engine, String scenario) throws Exception {
    JsonNode recording = recording(engine, scenario);
    Path context = SessionContextFixture.create(dir.resolve("ctx"), scenario);
    List<List<String>> answered = new ArrayList<>();
    buildRuns(
        () -> {
          for (JsonNode call : recording.path("calls")) {
            answered.add(replay(call));
          }
        });

    assertThat(build(context, context.resolve("Dockerfile"))).isEqualTo(GOOD_ID);

    assertThat(daemonFailures).isEmpty();
    List<List<String>> expected = new ArrayList<>();
    for (JsonNode call : recording.path("calls")) {
      List<String> messages = new ArrayList<>();
      call.path("messages")
          .forEach(
              m -> {
                if (m.path("from").asText().equals("session")) {
                  messages.add(m.path("packet").asText());
                }
              });
      messages.add("status 0");
      expected.add(messages);
    }
    assertThat(answered).isEqualTo(expected);
    assertThat(session.requestHead())
        .contains("X-Docker-Expose-Session-Grpc-Method: /moby.filesync.v1.FileSync/DiffCopy")
        .contains("X-Docker-Expose-Session-Grpc-Method: /grpc.health.v1.Health/Check");
  }

  /**
   * One recorded call, replayed as the daemon made it: the listing read to its end, then each of
   * the daemon's packets (REQ, FIN) sent and the session's answers to it read.
   */
  List<String> replay(JsonNode recorded) throws Exception {
    List<String[]> metadata = new ArrayList<>();
    recorded
        .path("metadata")
        .forEach(
            pair -> {
              if (!pair.get(0).asText().startsWith(":")) {
                metadata.add(new String[] {pair.get(0).asText(), pair.get(1).asText()});
              }
            });
    DaemonSession.Call call = session.call(FileSync.DIFF_COPY, metadata);
    List<String> answers = new ArrayList<>();
    byte[] message;
    do {
      message = call.receive();
      answers.add(Base64.getEncoder().encodeToString(message));
    } while (message.length > 0);
    for (JsonNode m : recorded.path("messages")) {
      if (!m.path("from").asText().equals("daemon")) {
        continue;
      }
      byte[] packet = Base64.getDecoder().decode(m.path("packet").asText());
      call.send(packet);
      FileSync.Packet sent = FileSync.Packet.read(packet);
      if (sent.type() == FileSync.REQ) {
        do {
          message = call.receive();
          answers.add(Base64.getEncoder().encodeToString(message));
        } while (hasData(message));
      } else if (sent.type() == FileSync.FIN) {
        answers.add(Base64.getEncoder().encodeToString(call.receive()));
      }
    }
    call.halfClose();
    assertThat(call.receive()).isNull();
    answers.add("status " + call.status());
    return answers;
  }

  /** Whether a DATA packet carries bytes (an empty one ends its file). */
  static boolean hasData(byte[] packet) {
    ProtoWire.Reader in = new ProtoWire.Reader(packet);
    while (in.more()) {
      int tag = in.tag();
      if (tag == ProtoWire.tag(4, ProtoWire.LENGTH_DELIMITED)) {
        return in.bytes().length > 0;
      }
      in.skip(tag);
    }
    return false;
  }

  @Test
  void anUnknownDirectoryIsNotFoundAndHealthIsServing() throws Exception {
    Path context = SessionContextFixture.create(dir.resolve("ctx"), "copy-src");
    List<String> statuses = new ArrayList<>();
    buildRuns(
        () -> {
          DaemonSession.Call call =
              session.call(FileSync.DIFF_COPY, List.<String[]>of(new String[] {"dir-name", "x"}));
          call.halfClose();
          statuses.add(call.status());
          DaemonSession.Call health = session.call(Session.HEALTH_CHECK, List.of());
          health.send(new byte[0]);
          health.halfClose();
          statuses.add(Base64.getEncoder().encodeToString(health.receive()));
          statuses.add(health.status());
        });

    assertThat(build(context, context.resolve("Dockerfile"))).isEqualTo(GOOD_ID);

    assertThat(daemonFailures).isEmpty();
    assertThat(statuses)
        .containsExactly(
            "5 no access allowed to dir \"x\"",
            Base64.getEncoder().encodeToString(new byte[] {8, 1}),
            "0");
  }

  @Test
  void aDockerfileOutsideTheContextIsServedFromItsOwnDirectory() throws Exception {
    Path context = SessionContextFixture.create(dir.resolve("ctx"), "copy-src");
    Path elsewhere = Files.createDirectories(dir.resolve("build"));
    Files.writeString(elsewhere.resolve("app.Dockerfile"), "FROM local/busybox:1\n");
    List<String> names = new ArrayList<>();
    buildRuns(
        () -> {
          DaemonSession.Call call =
              session.call(
                  FileSync.DIFF_COPY,
                  List.of(
                      new String[] {"dir-name", "dockerfile"},
                      new String[] {"followpaths", "app.Dockerfile"},
                      new String[] {"followpaths", "app.Dockerfile.dockerignore"}));
          names.addAll(listing(call));
          call.send(new byte[] {8, 3});
          call.receive();
          call.halfClose();
        });

    assertThat(build(context, elsewhere.resolve("app.Dockerfile"))).isEqualTo(GOOD_ID);

    assertThat(daemonFailures).isEmpty();
    assertThat(names).containsExactly("app.Dockerfile");
    assertThat(daemon.requests("POST /build").get(0).line())
        .contains("dockerfile=app.Dockerfile")
        .contains("remote=client-session")
        .contains("session=");
  }

  @Test
  void anIgnoredDockerfileAndDockerignoreAreNotInTheContextAndNoWarningIsNeeded() throws Exception {
    Path context = Files.createDirectories(dir.resolve("app"));
    Files.writeString(context.resolve("Dockerfile"), "FROM local/busybox:1\nCOPY . /app/\n");
    Files.writeString(context.resolve(".dockerignore"), "Dockerfile\n.dockerignore\n");
    Files.writeString(context.resolve("hello.txt"), "hello\n");
    List<String> names = new ArrayList<>();
    buildRuns(
        () -> {
          // The third call of a COPY . build: the .dockerignore lines as exclude-patterns.
          DaemonSession.Call call =
              session.call(
                  FileSync.DIFF_COPY,
                  List.of(
                      new String[] {"dir-name", "context"},
                      new String[] {"exclude-patterns", "Dockerfile"},
                      new String[] {"exclude-patterns", ".dockerignore"}));
          names.addAll(listing(call));
          call.send(new byte[] {8, 3});
          call.receive();
          call.halfClose();
        });

    assertThat(build(context, context.resolve("Dockerfile"))).isEqualTo(GOOD_ID);

    assertThat(daemonFailures).isEmpty();
    assertThat(names).containsExactly("hello.txt");
    assertThat(log.warnings).isEmpty();
  }

  /** The paths of a call's stats, read to the end of the listing. */
  static List<String> listing(DaemonSession.Call call) throws IOException {
    List<String> names = new ArrayList<>();
    for (byte[] m; (m = call.receive()).length > 0; ) {
      ProtoWire.Reader packet = new ProtoWire.Reader(m);
      packet.tag();
      ProtoWire.Reader stat = packet.message();
      stat.tag();
      names.add(stat.string());
    }
    return names;
  }

  @Test
  void aFileGoneBeforeBuildKitAsksForItIsOneLineNamingIt() throws Exception {
    Path context = Files.createDirectories(dir.resolve("app"));
    Files.writeString(context.resolve("Dockerfile"), "FROM local/busybox:1\nCOPY . /app/\n");
    Path doomed = Files.writeString(context.resolve("doomed.txt"), "here, then not\n");
    List<String> statuses = new ArrayList<>();
    daemon.on(
        "POST /build",
        (request, reply) -> {
          try {
            DaemonSession.Call call =
                session.call(
                    FileSync.DIFF_COPY, List.<String[]>of(new String[] {"dir-name", "context"}));
            List<String> names = listing(call);
            Files.delete(doomed);
            call.send(
                new ProtoWire.Writer()
                    .varint(1, FileSync.REQ)
                    .varint(3, names.indexOf("doomed.txt"))
                    .toByteArray());
            assertThat(call.receive()).isNull();
            statuses.add(call.status());
          } catch (Throwable e) {
            daemonFailures.add(e);
          }
          reply.stream(
              List.of(
                  "{\"errorDetail\":{\"message\":\"failed to copy files: not found\"},"
                      + "\"error\":\"failed to copy files: not found\"}"));
        });

    assertThatThrownBy(() -> build(context, context.resolve("Dockerfile")))
        .isInstanceOf(ShipException.class)
        .hasMessage(
            "The build context's doomed.txt ("
                + doomed
                + ") was removed or shrank while BuildKit read the context: build again once"
                + " nothing writes to the context.");
    assertThat(daemonFailures).isEmpty();
    assertThat(statuses).singleElement().asString().startsWith("5 The build context's doomed.txt");
  }

  @Test
  void aSessionTheDaemonDropsEndsTheBuildInOneLine() throws Exception {
    Path context = SessionContextFixture.create(dir.resolve("ctx"), "copy-src");
    daemon.on(
        "POST /build",
        (request, reply) -> {
          try {
            session.call(Session.HEALTH_CHECK, List.of()); // the session is up
          } catch (Exception e) {
            daemonFailures.add(e);
          }
          session.close(); // the daemon drops it
          Thread.sleep(300);
          reply.stream(
              List.of(
                  "{\"errorDetail\":{\"message\":\"no active session for x: context deadline"
                      + " exceeded\"},\"error\":\"no active session for x: context deadline"
                      + " exceeded\"}"));
        });

    assertThatThrownBy(() -> build(context, context.resolve("Dockerfile")))
        .isInstanceOf(ShipException.class)
        .hasMessageStartingWith(
            "docker build failed: the BuildKit session ended during the build (")
        .hasMessageEndingWith(
            "; the daemon said: no active session for x: context deadline exceeded.")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}

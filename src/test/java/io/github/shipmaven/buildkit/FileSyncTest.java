package io.github.shipmaven.buildkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.shipmaven.context.Builder;
import io.github.shipmaven.core.RecordingLog;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.docker.BuildRequest;
import io.github.shipmaven.docker.BuilderChoice;
import io.github.shipmaven.docker.DockerDaemon;
import io.github.shipmaven.docker.ImageBuilder;
import io.github.shipmaven.docker.ScriptedDaemon;
import io.github.shipmaven.docker.ScriptedDaemonTestBase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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
class FileSyncTest extends ScriptedDaemonTestBase {
  static final BuilderChoice BUILDKIT = new BuilderChoice(Builder.BUILDKIT, "BuildKit (test)");
  static final String GOOD_ID =
      "sha256:f2bbcc4ad30dcc53afa02f05ee168028637320afeb41c4f69758e0c2df3c17ef";

  DaemonSession session;
  final RecordingLog log = new RecordingLog();
  final List<Throwable> daemonFailures = new CopyOnWriteArrayList<>();

  @BeforeEach
  void daemonSession() {
    session = DaemonSession.on(daemon);
  }

  @AfterEach
  void closeDaemonSession() {
    session.close();
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
        BuildRequest.of(context).dockerfile(dockerfile).network("none").toRequest();
    try (DockerDaemon docker = connect()) {
      return new ImageBuilder(docker, log, new BuildKitBuilder(log)).build(request, BUILDKIT);
    }
  }

  /** Builds {@code context} with its own Dockerfile. */
  String build(Path context) {
    return build(context, context.resolve("Dockerfile"));
  }

  /** Answers the build with Docker 20.10's good build once {@code calls} ran on the session. */
  void buildRuns(DaemonCalls calls) throws IOException {
    buildRuns(calls, ScriptedDaemon.recorded("docker-20.10/buildkit-good.jsonl"));
  }

  /**
   * Answers the build with {@code stream} once {@code calls} ran on the session; what fails in them
   * is kept in {@link #daemonFailures}.
   */
  void buildRuns(DaemonCalls calls, List<String> stream) {
    daemon.on(
        "POST /build",
        (request, reply) -> {
          try {
            calls.run();
          } catch (Throwable e) {
            daemonFailures.add(e);
          }
          reply.stream(stream);
        });
  }

  /** Answers ping with the headers {@code engine} answered it with. */
  void pingAs(String engine) throws IOException {
    Map<String, String> headers = ScriptedDaemon.headers(engine + "/ping.head");
    daemon.on("GET /_ping", (request, reply) -> reply.send(200, headers, "OK"));
  }

  /** A DiffCopy call as the daemon makes it, with metadata {@code name, value, name, value...}. */
  DaemonSession.Call diffCopy(String... metadata) throws Exception {
    List<String[]> pairs = new ArrayList<>();
    for (int i = 0; i < metadata.length; i += 2) {
      pairs.add(new String[] {metadata[i], metadata[i + 1]});
    }
    return session.call(FileSync.DIFF_COPY, pairs);
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
    // Names that are not UTF-8 (a file, a symlink's target): Docker 20.10 takes them as bytes.
    "docker-20.10, name-not-utf8",
    "docker-20.10, link-not-utf8",
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

    assertThat(build(context)).isEqualTo(GOOD_ID);

    assertThat(daemonFailures).isEmpty();
    List<List<String>> expected = new ArrayList<>();
    for (List<String> messages : sessionMessages(recording)) {
      expected.add(endedOk(messages));
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
    DaemonSession.Call call = session.call(FileSync.DIFF_COPY, metadata(recorded));
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

  /** A recorded call's metadata, pseudo-headers left out. */
  static List<String[]> metadata(JsonNode recorded) {
    List<String[]> metadata = new ArrayList<>();
    recorded
        .path("metadata")
        .forEach(
            pair -> {
              if (!pair.get(0).asText().startsWith(":")) {
                metadata.add(new String[] {pair.get(0).asText(), pair.get(1).asText()});
              }
            });
    return metadata;
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

  /**
   * Docker 28.5 (either store) with a name that is not UTF-8 in the context: the exchange recorded
   * there replayed (the first two calls as they went, the third read as the daemon's gRPC reads it:
   * the stat whose path or symlink target is not UTF-8 cannot be unmarshalled and the call is
   * reset), then the daemon's answer stream as it came, whose error names no file. The build fails
   * in one line naming the file and the fix.
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "docker-28.5, name-not-utf8",
    "docker-28.5, link-not-utf8",
    "docker-28.5-containerd, name-not-utf8",
    "docker-28.5-containerd, link-not-utf8"
  })
  void aNameThatIsNotUtf8RefusedByDocker28IsOneLineNamingIt(String engine, String scenario)
      throws Exception {
    JsonNode recording = recording(engine, scenario);
    assertThat(recording.path("calls").get(2).path("end").asText())
        .isEqualTo("StreamResetException: stream was reset: CANCEL");
    Path context = SessionContextFixture.create(dir.resolve("ctx"), scenario);
    pingAs(engine);
    List<List<String>> answered = new ArrayList<>();
    buildRuns(() -> answered.addAll(replayRefusedExchange(recording)), stream(recording));

    String expected =
        scenario.equals("name-not-utf8")
            ? "docker build failed: the build context has a file name that is not UTF-8, which"
                + " Docker 28.5.2's BuildKit refuses: docs/bad\\377name; rename it, or add it to"
                + " .dockerignore."
            : "docker build failed: the build context has a symlink whose target is not UTF-8,"
                + " which Docker 28.5.2's BuildKit refuses: docs/link -> gone\\377; point it at a"
                + " UTF-8 name, or add it to .dockerignore.";
    assertThatThrownBy(() -> build(context))
        .isInstanceOf(ShipException.class)
        .hasMessage(expected)
        .satisfies(
            e -> assertThat(((ShipException) e).kind()).isEqualTo(ShipException.Kind.CONFIG));
    assertThat(daemonFailures).isEmpty();
    // What the session sent until the daemon gave up is what it sent the real daemon.
    List<List<String>> recorded = sessionMessages(recording);
    for (int i = 0; i < 2; i++) {
      assertThat(answered.get(i)).isEqualTo(endedOk(recorded.get(i)));
    }
    assertThat(recorded.get(2)).startsWith(answered.get(2).toArray(String[]::new));
  }

  @Test
  void severalNamesThatAreNotUtf8AreCountedAfterTheFirst() throws Exception {
    JsonNode recording = recording("docker-28.5", "name-not-utf8");
    Path context = SessionContextFixture.create(dir.resolve("ctx"), "name-not-utf8");
    Process more =
        new ProcessBuilder(
                "sh", "-c", "touch \"$(printf 'z\\351t\\351')\" \"$(printf 'bad\\376')\"")
            .directory(context.resolve("docs").toFile())
            .start();
    assertThat(more.waitFor()).isZero();
    pingAs("docker-28.5");
    buildRuns(() -> replayRefusedExchange(recording), stream(recording));

    // Byte order: bad\376, bad\377name, ok.txt, z\351t\351 (Latin-1 "zété"); the first is named.
    assertThatThrownBy(() -> build(context))
        .isInstanceOf(ShipException.class)
        .hasMessage(
            "docker build failed: the build context has a file name that is not UTF-8, which"
                + " Docker 28.5.2's BuildKit refuses: docs/bad\\376 (and 2 more such names);"
                + " rename it, or add it to .dockerignore.");
    assertThat(daemonFailures).isEmpty();
  }

  /**
   * The refusal's words alone are not enough: with no name that is not UTF-8 sent, the daemon's own
   * error is shown (nothing is guessed from the words or the engine).
   */
  @Test
  void theRefusalWithNoSuchNameSentIsTheDaemonsOwnError() throws Exception {
    JsonNode recording = recording("docker-28.5", "name-not-utf8");
    Path context = SessionContextFixture.create(dir.resolve("ctx"), "copy-src");
    pingAs("docker-28.5");
    buildRuns(
        () -> {
          DaemonSession.Call call = diffCopy("dir-name", "context", "followpaths", "src");
          assertThat(listing(call)).contains("src/Main.java");
          call.reset();
        },
        stream(recording));

    assertThatThrownBy(() -> build(context))
        .isInstanceOf(ShipException.class)
        .hasMessageContaining(
            "rpc error: code = Internal desc = grpc: failed to unmarshal the received message:"
                + " string field contains invalid UTF-8")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("rename it"));
    assertThat(daemonFailures).isEmpty();
  }

  /** The answer stream a recording kept, one JSON line each. */
  static List<String> stream(JsonNode recording) {
    List<String> stream = new ArrayList<>();
    recording.path("stream").forEach(line -> stream.add(line.asText()));
    return stream;
  }

  /**
   * The exchange recorded where Docker 28.5 refused a name: the first two calls replayed as they
   * went, the third as the daemon read it ({@link #replayRefused}); the session's answers to each.
   */
  List<List<String>> replayRefusedExchange(JsonNode recording) throws Exception {
    JsonNode calls = recording.path("calls");
    return List.of(replay(calls.get(0)), replay(calls.get(1)), replayRefused(calls.get(2)));
  }

  /** A call's messages as {@link #replay} returns them when the call ended OK. */
  static List<String> endedOk(List<String> messages) {
    List<String> ended = new ArrayList<>(messages);
    ended.add("status 0");
    return ended;
  }

  /** The session's messages of each recorded call, as Base64. */
  static List<List<String>> sessionMessages(JsonNode recording) {
    List<List<String>> calls = new ArrayList<>();
    for (JsonNode call : recording.path("calls")) {
      List<String> messages = new ArrayList<>();
      call.path("messages")
          .forEach(
              m -> {
                if (m.path("from").asText().equals("session")) {
                  messages.add(m.path("packet").asText());
                }
              });
      calls.add(messages);
    }
    return calls;
  }

  /**
   * A recorded call the daemon reset, replayed as grpc-go with protobuf-go reads it: each listing
   * packet is unmarshalled as it comes, and the first whose {@code Stat.path} or {@code
   * Stat.linkname} (proto3 strings) is not UTF-8 fails, which resets the call.
   */
  List<String> replayRefused(JsonNode recorded) throws Exception {
    DaemonSession.Call call = session.call(FileSync.DIFF_COPY, metadata(recorded));
    List<String> answers = new ArrayList<>();
    while (true) {
      byte[] message = call.receive();
      assertThat(message).as("the listing ended with every name UTF-8").isNotEmpty();
      answers.add(Base64.getEncoder().encodeToString(message));
      if (!stringsAreUtf8(message)) {
        call.reset();
        return answers;
      }
    }
  }

  /** Whether a packet's stat has a path and linkname that are UTF-8 (decoded and encoded back). */
  static boolean stringsAreUtf8(byte[] packet) {
    ProtoWire.Reader in = new ProtoWire.Reader(packet);
    while (in.more()) {
      int tag = in.tag();
      if (tag != ProtoWire.tag(2, ProtoWire.LENGTH_DELIMITED)) {
        in.skip(tag);
        continue;
      }
      ProtoWire.Reader stat = in.message();
      while (stat.more()) {
        int field = stat.tag();
        if (field == ProtoWire.tag(1, ProtoWire.LENGTH_DELIMITED)
            || field == ProtoWire.tag(7, ProtoWire.LENGTH_DELIMITED)) {
          byte[] text = stat.bytes();
          if (!Arrays.equals(
              text, new String(text, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8))) {
            return false;
          }
        } else {
          stat.skip(field);
        }
      }
    }
    return true;
  }

  @Test
  void namesAreShownOnOneLineAsGitQuotesThem() {
    assertThat(FileSync.readable(bytes("docs/bad", 0377, "name"))).isEqualTo("docs/bad\\377name");
    assertThat(FileSync.readable("caf\u00e9/na\u00efve.txt".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("caf\u00e9/na\u00efve.txt");
    assertThat(FileSync.readable("two\nlines\tand\\".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("two\\012lines\\011and\\\\");
    // A sequence cut short, an overlong '/', a surrogate: none is UTF-8 to Go either.
    assertThat(FileSync.readable(bytes("a", 0303))).isEqualTo("a\\303");
    assertThat(FileSync.readable(bytes("a", 0300, 0257, "b"))).isEqualTo("a\\300\\257b");
    assertThat(FileSync.readable(bytes("", 0355, 0240, 0200))).isEqualTo("\\355\\240\\200");
    assertThat(FileSync.isUtf8(bytes("", 0355, 0240, 0200))).isFalse();
    assertThat(FileSync.isUtf8(bytes("a", 0300, 0257))).isFalse();
    assertThat(FileSync.isUtf8("caf\u00e9 \ud83d\ude00".getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(FileSync.readable("\u2028".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("\\342\\200\\250");
  }

  /** Text and single bytes, as one name. */
  static byte[] bytes(Object... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (Object part : parts) {
      if (part instanceof String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
      } else {
        out.write((Integer) part);
      }
    }
    return out.toByteArray();
  }

  @Test
  void anUnknownDirectoryIsNotFoundAndHealthIsServing() throws Exception {
    Path context = SessionContextFixture.create(dir.resolve("ctx"), "copy-src");
    List<String> statuses = new ArrayList<>();
    buildRuns(
        () -> {
          DaemonSession.Call call = diffCopy("dir-name", "x");
          call.halfClose();
          statuses.add(call.status());
          DaemonSession.Call health = session.call(Session.HEALTH_CHECK, List.of());
          health.send(new byte[0]);
          health.halfClose();
          statuses.add(Base64.getEncoder().encodeToString(health.receive()));
          statuses.add(health.status());
        });

    assertThat(build(context)).isEqualTo(GOOD_ID);

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
    List<String> names =
        listedDuringTheBuild(
            "dir-name", "dockerfile",
            "followpaths", "app.Dockerfile",
            "followpaths", "app.Dockerfile.dockerignore");

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
    Path context = copyAllContext();
    Files.writeString(context.resolve(".dockerignore"), "Dockerfile\n.dockerignore\n");
    Files.writeString(context.resolve("hello.txt"), "hello\n");
    // The third call of a COPY . build: the .dockerignore lines as exclude-patterns.
    List<String> names =
        listedDuringTheBuild(
            "dir-name", "context",
            "exclude-patterns", "Dockerfile",
            "exclude-patterns", ".dockerignore");

    assertThat(build(context)).isEqualTo(GOOD_ID);

    assertThat(daemonFailures).isEmpty();
    assertThat(names).containsExactly("hello.txt");
    assertThat(log.warnings).isEmpty();
  }

  /** A context {@code app} whose Dockerfile copies it all; no other file yet. */
  Path copyAllContext() throws IOException {
    Path context = Files.createDirectories(dir.resolve("app"));
    Files.writeString(context.resolve("Dockerfile"), "FROM local/busybox:1\nCOPY . /app/\n");
    return context;
  }

  /**
   * The names the session lists, once the build has run, to one DiffCopy call with {@code metadata}
   * made during it ({@link #listingThenFin}).
   */
  List<String> listedDuringTheBuild(String... metadata) throws IOException {
    List<String> names = new CopyOnWriteArrayList<>();
    buildRuns(() -> names.addAll(listingThenFin(diffCopy(metadata))));
    return names;
  }

  /** {@link #listing}, then the call ended as the daemon ends it: FIN, the sender's FIN, close. */
  static List<String> listingThenFin(DaemonSession.Call call) throws IOException {
    List<String> names = listing(call);
    call.send(new byte[] {8, 3}); // Packet{type: FIN}
    call.receive();
    call.halfClose();
    return names;
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
    Path context = copyAllContext();
    Path doomed = Files.writeString(context.resolve("doomed.txt"), "here, then not\n");
    List<String> statuses = new ArrayList<>();
    buildRuns(
        () -> {
          DaemonSession.Call call = diffCopy("dir-name", "context");
          List<String> names = listing(call);
          Files.delete(doomed);
          call.send(
              new ProtoWire.Writer()
                  .varint(1, FileSync.REQ)
                  .varint(3, names.indexOf("doomed.txt"))
                  .toByteArray());
          assertThat(call.receive()).isNull();
          statuses.add(call.status());
        },
        List.of(
            "{\"errorDetail\":{\"message\":\"failed to copy files: not found\"},"
                + "\"error\":\"failed to copy files: not found\"}"));

    assertThatThrownBy(() -> build(context))
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

    assertThatThrownBy(() -> build(context))
        .isInstanceOf(ShipException.class)
        .hasMessageStartingWith(
            "docker build failed: the BuildKit session ended during the build (")
        .hasMessageEndingWith(
            "; the daemon said: no active session for x: context deadline exceeded.")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}

package io.github.shipmaven.buildkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.github.shipmaven.buildkit.protoc.BuildkitStatusProto;
import io.github.shipmaven.buildkit.protoc.BuildkitStatusProto.StatusResponse;
import io.github.shipmaven.buildkit.protoc.BuildkitStatusProto.Vertex;
import io.github.shipmaven.buildkit.protoc.BuildkitStatusProto.VertexLog;
import io.github.shipmaven.buildkit.protoc.BuildkitStatusProto.VertexStatus;
import io.github.shipmaven.core.RecordingLog;
import io.github.shipmaven.docker.Fixtures;
import org.junit.jupiter.api.Test;

/** The plain progress lines printed for real BuildKit streams. */
class BuildKitProgressTest {
  final RecordingLog log = new RecordingLog();
  final BuildKitProgress progress = new BuildKitProgress(log);

  void replay(String fixture) {
    Fixtures.traces(fixture).forEach(bytes -> progress.accept(BuildKitTrace.decode(bytes)));
  }

  void send(StatusResponse.Builder update) {
    progress.accept(BuildKitTrace.decode(update.build().toByteArray()));
  }

  @Test
  void aGoodBuildReadsAsPlainProgress() {
    replay("buildkit-good.jsonl");
    assertThat(log.lines)
        .containsExactly(
            "#1 [internal] load remote build context",
            "#1 DONE 0.0s",
            "#2 copy /context /",
            "#2 DONE 0.2s",
            "#3 [internal] load metadata for docker.io/local/busybox:1",
            "#3 DONE 0.0s",
            "#4 [1/3] FROM docker.io/local/busybox:1",
            "#4 DONE 0.0s",
            "#5 [2/3] COPY hello.txt /app/hello.txt",
            "#5 DONE 0.1s",
            "#6 [3/3] RUN echo \"building in $(pwd)\" && cat /app/hello.txt && echo done > /app/done",
            "#6 building in /",
            "#6 hello from the fixture",
            "#6 DONE 0.2s",
            "#7 exporting to image",
            "#7 exporting layers 0.1s done",
            "#7 writing image"
                + " sha256:f2bbcc4ad30dcc53afa02f05ee168028637320afeb41c4f69758e0c2df3c17ef 0.0s done",
            "#7 naming to docker.io/ship-fixture/bk-good:1 0.0s done",
            "#7 naming to docker.io/ship-fixture/bk-good:latest 0.0s done",
            "#7 DONE 0.1s");
  }

  @Test
  void aCachedRebuildSaysCachedOncePerStep() {
    replay("buildkit-cached.jsonl");
    assertThat(log.lines)
        .containsExactly(
            "#1 [internal] load remote build context",
            "#1 DONE 0.0s",
            // reported done, then again as cached: said once
            "#2 copy /context /",
            "#2 CACHED",
            "#3 [internal] load metadata for docker.io/local/busybox:1",
            "#3 DONE 0.0s",
            "#4 [1/3] FROM docker.io/local/busybox:1",
            "#5 [2/3] COPY hello.txt /app/hello.txt",
            "#6 [3/3] RUN echo \"building in $(pwd)\" && cat /app/hello.txt && echo done > /app/done",
            "#4 DONE 0.0s",
            "#5 CACHED",
            "#6 CACHED",
            "#7 exporting to image",
            "#7 exporting layers 0.0s done",
            "#7 writing image"
                + " sha256:f2bbcc4ad30dcc53afa02f05ee168028637320afeb41c4f69758e0c2df3c17ef 0.0s done",
            "#7 naming to docker.io/ship-fixture/bk-good:1 0.0s done",
            "#7 naming to docker.io/ship-fixture/bk-good:latest 0.0s done",
            "#7 DONE 0.0s");
  }

  @Test
  void aFailingStepShowsItsOutputAndError() {
    replay("buildkit-failing-run.jsonl");
    String run =
        "[3/3] RUN echo step one && for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo \"line $i\";"
            + " done && echo \"about to fail\" >&2 && exit 3";
    assertThat(log.lines)
        .containsExactly(
            "#1 [internal] load remote build context",
            "#1 DONE 0.0s",
            "#2 copy /context /",
            "#2 DONE 0.1s",
            "#3 [internal] load metadata for docker.io/local/busybox:1",
            "#3 DONE 0.0s",
            "#4 [1/3] FROM docker.io/local/busybox:1",
            "#4 CACHED",
            "#5 [2/3] COPY hello.txt /hello.txt",
            "#5 DONE 0.1s",
            "#6 " + run,
            "#6 step one",
            "#6 line 1",
            "#6 line 2",
            "#6 line 3",
            "#6 line 4",
            "#6 line 5",
            "#6 line 6",
            "#6 line 7",
            "#6 line 8",
            "#6 line 9",
            "#6 line 10",
            "#6 line 11",
            "#6 line 12",
            "#6 about to fail",
            "#6 ERROR: executor failed running [/bin/sh -c echo step one && for i in 1 2 3 4 5 6 7"
                + " 8 9 10 11 12; do echo \"line $i\"; done && echo \"about to fail\" >&2 && exit"
                + " 3]: exit code: 3");
    assertThat(progress.failedSteps()).hasSize(1);
    BuildKitProgress.Step failed = progress.failedSteps().get(0);
    assertThat(failed.name()).isEqualTo(run);
    assertThat(failed.lastLines())
        .containsExactly(
            "line 4",
            "line 5",
            "line 6",
            "line 7",
            "line 8",
            "line 9",
            "line 10",
            "line 11",
            "line 12",
            "about to fail");
  }

  @Test
  void transfersAreOneLineWhenTheStepEndsAndARestartedStepEndsAgain() {
    replay("buildkit-pull-base.jsonl");
    assertThat(log.lines)
        .containsSubsequence(
            "#4 FROM 127.0.0.1:5055/fixture/data:1",
            "#4 resolve 127.0.0.1:5055/fixture/data:1 0.1s done",
            "#4 DONE 0.1s",
            "#4 extracting"
                + " sha256:0f84fc43f86d86014f5df10c016e0ab942e94c5172a3f49ab3b35d554f59cc03 0.2s"
                + " done",
            // 527 + 895 + 3,001,193 bytes: manifest, config, layer
            "#4 transferred 2.9 MB in 3 transfers",
            "#4 DONE 0.2s",
            "#6 [stage-0 2/3] COPY --from=127.0.0.1:5055/fixture/data:1 /blob /blob")
        .filteredOn(line -> line.startsWith("#4 transferred"))
        .hasSize(1);
  }

  @Test
  void anUnfinishedTransferSaysHowFarItGot() {
    send(
        StatusResponse.newBuilder()
            .addVertexes(vertex("sha256:v", "[1/1] FROM example/app").setStarted(at(10, 0)))
            .addStatuses(
                VertexStatus.newBuilder()
                    .setID("sha256:layer")
                    .setVertex("sha256:v")
                    .setCurrent(512)
                    .setTotal(2048)));
    send(
        StatusResponse.newBuilder()
            .addVertexes(
                vertex("sha256:v", "[1/1] FROM example/app")
                    .setStarted(at(10, 0))
                    .setCompleted(at(12, 500_000_000))
                    .setError("context canceled")));
    assertThat(log.lines)
        .containsExactly(
            "#1 [1/1] FROM example/app",
            "#1 transferred 512 B of 2.0 kB",
            "#1 ERROR: context canceled");
  }

  @Test
  void outputLinesAreJoinedAcrossUpdatesAndRedrawnLinesShowTheirLastDrawing() {
    Vertex.Builder run = vertex("sha256:r", "[2/2] RUN ./download").setStarted(at(1, 0));
    send(StatusResponse.newBuilder().addVertexes(run).addLogs(log("sha256:r", 1, "fetch")));
    send(StatusResponse.newBuilder().addLogs(log("sha256:r", 1, "ing\n 10%\r 50%\r100%\r\n")));
    send(StatusResponse.newBuilder().addLogs(log("sha256:r", 2, "warning: slow\nno newline")));
    send(StatusResponse.newBuilder().addVertexes(run.clone().setCompleted(at(3, 0))));
    assertThat(log.lines)
        .containsExactly(
            "#1 [2/2] RUN ./download",
            "#1 fetching",
            "#1 100%",
            "#1 warning: slow",
            "#1 no newline",
            "#1 DONE 2.0s");
  }

  @Test
  void warningsNameTheirStep() {
    Vertex.Builder from = vertex("sha256:f", "[1/2] FROM example/base").setStarted(at(1, 0));
    send(
        StatusResponse.newBuilder()
            .addVertexes(from)
            .addWarnings(
                BuildkitStatusProto.VertexWarning.newBuilder()
                    .setVertex("sha256:f")
                    .setLevel(1)
                    .setShort(ByteString.copyFromUtf8("FromAsCasing: 'as' and 'FROM' do not match"))
                    .addDetail(ByteString.copyFromUtf8("Use one casing."))
                    .setUrl("https://docs.docker.com/go/dockerfile/rule/from-as-casing/")));
    assertThat(log.lines)
        .containsExactly(
            "#1 [1/2] FROM example/base",
            "#1 WARN: FromAsCasing: 'as' and 'FROM' do not match",
            "#1 Use one casing.",
            "#1 More info: https://docs.docker.com/go/dockerfile/rule/from-as-casing/");
  }

  @Test
  void stepsThatNeverStartAreNotPrinted() {
    send(
        StatusResponse.newBuilder()
            .addVertexes(vertex("sha256:a", "[1/2] FROM example/base"))
            .addVertexes(vertex("sha256:b", "[2/2] RUN make")));
    assertThat(log.lines).isEmpty();
    assertThat(progress.lastStarted()).isNull();
  }

  private static Vertex.Builder vertex(String digest, String name) {
    return Vertex.newBuilder().setDigest(digest).setName(name);
  }

  private static VertexLog.Builder log(String vertex, int stream, String text) {
    return VertexLog.newBuilder()
        .setVertex(vertex)
        .setStream(stream)
        .setMsg(ByteString.copyFromUtf8(text));
  }

  private static Timestamp.Builder at(long seconds, int nanos) {
    return Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos);
  }
}

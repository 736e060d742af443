package io.github.shipmaven.buildkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UnknownFieldSet;
import io.github.shipmaven.buildkit.protoc.BuildkitStatusProto;
import io.github.shipmaven.docker.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written status reader against protoc's parser for the same field numbers. */
class BuildKitTraceTest {

  @Test
  void everyCapturedUpdateReadsAsProtocReadsIt() throws Exception {
    int updates = 0;
    int logs = 0;
    int transfers = 0;
    for (String fixture : Fixtures.BUILDKIT) {
      for (byte[] bytes : Fixtures.traces(fixture)) {
        BuildKitTrace mine = BuildKitTrace.decode(bytes);
        BuildkitStatusProto.StatusResponse protoc =
            BuildkitStatusProto.StatusResponse.parseFrom(bytes);
        assertThat(describe(mine)).as(fixture).isEqualTo(describe(protoc));
        updates++;
        logs += mine.logs().size();
        transfers += (int) mine.statuses().stream().filter(s -> s.total() > 0).count();
      }
    }
    // The fixtures hold every kind of update the reader must get right.
    assertThat(updates).isEqualTo(118);
    assertThat(logs).isEqualTo(6);
    assertThat(transfers).isEqualTo(3);
  }

  @Test
  void aWarningReadsAsWritten() {
    byte[] bytes =
        BuildkitStatusProto.StatusResponse.newBuilder()
            .addWarnings(
                BuildkitStatusProto.VertexWarning.newBuilder()
                    .setVertex("sha256:aa")
                    .setLevel(1)
                    .setShort(utf8("FromAsCasing: 'as' and 'FROM' keywords' casing do not match"))
                    .addDetail(utf8("line one"))
                    .addDetail(utf8("line two"))
                    .setUrl("https://docs.docker.com/go/dockerfile/rule/from-as-casing/"))
            .build()
            .toByteArray();

    BuildKitTrace.Warning warning = BuildKitTrace.decode(bytes).warnings().get(0);

    assertThat(warning.vertex()).isEqualTo("sha256:aa");
    assertThat(warning.level()).isEqualTo(1);
    assertThat(text(warning.summary()))
        .isEqualTo("FromAsCasing: 'as' and 'FROM' keywords' casing do not match");
    assertThat(warning.detail().stream().map(BuildKitTraceTest::text))
        .containsExactly("line one", "line two");
    assertThat(warning.url())
        .isEqualTo("https://docs.docker.com/go/dockerfile/rule/from-as-casing/");
  }

  @Test
  void fieldsItDoesNotReadAreSkippedWhateverTheirWireType() throws Exception {
    UnknownFieldSet unknown =
        UnknownFieldSet.newBuilder()
            .addField(
                8,
                UnknownFieldSet.Field.newBuilder()
                    .addLengthDelimited(ByteString.copyFromUtf8("progress group"))
                    .build())
            .addField(20, UnknownFieldSet.Field.newBuilder().addFixed32(7).build())
            .addField(21, UnknownFieldSet.Field.newBuilder().addFixed64(8L).build())
            .addField(22, UnknownFieldSet.Field.newBuilder().addVarint(300).build())
            .build();
    byte[] bytes =
        BuildkitStatusProto.StatusResponse.newBuilder()
            .addVertexes(
                BuildkitStatusProto.Vertex.newBuilder()
                    .setDigest("sha256:bb")
                    .addInputs("sha256:aa")
                    .setName("[2/2] RUN make")
                    .setCompleted(Timestamp.newBuilder().setSeconds(1_796_028_671L).setNanos(5))
                    .setUnknownFields(unknown))
            .addStatuses(
                BuildkitStatusProto.VertexStatus.newBuilder()
                    .setID("sha256:layer")
                    .setVertex("sha256:bb")
                    .setCurrent(5_000_000_000L)
                    .setTotal(5_000_000_001L)
                    .setTimestamp(Timestamp.newBuilder().setSeconds(1)))
            .setUnknownFields(unknown)
            .build()
            .toByteArray();

    BuildKitTrace trace = BuildKitTrace.decode(bytes);

    assertThat(trace.vertexes().get(0).name()).isEqualTo("[2/2] RUN make");
    assertThat(trace.vertexes().get(0).completed())
        .isEqualTo(Instant.ofEpochSecond(1_796_028_671L, 5));
    assertThat(trace.vertexes().get(0).started()).isNull();
    assertThat(trace.statuses().get(0).current()).isEqualTo(5_000_000_000L);
    assertThat(trace.statuses().get(0).total()).isEqualTo(5_000_000_001L);
    assertThat(describe(trace))
        .isEqualTo(describe(BuildkitStatusProto.StatusResponse.parseFrom(bytes)));
  }

  @Test
  void bytesThatAreNotAStatusResponseFailPlainly() {
    byte[] real = Fixtures.traces("buildkit-good.jsonl").get(0);
    assertThatThrownBy(() -> BuildKitTrace.decode(Arrays.copyOf(real, real.length - 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("passes the end");
    assertThatThrownBy(() -> BuildKitTrace.decode(new byte[] {(byte) 0x80}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("message ends inside a varint");
    // wire type 3, a proto2 group: not in BuildKit's messages
    assertThatThrownBy(() -> BuildKitTrace.decode(new byte[] {(9 << 3) | 3}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported wire type 3");
    assertThatThrownBy(() -> BuildKitTrace.decode(new byte[] {0x00}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid field tag 0");
  }

  /** The fields the plugin reads, as text, from the hand-written reader. */
  private static List<String> describe(BuildKitTrace trace) {
    List<String> lines = new ArrayList<>();
    trace
        .vertexes()
        .forEach(
            v ->
                lines.add(
                    "V "
                        + v.digest()
                        + "|"
                        + v.name()
                        + "|"
                        + v.cached()
                        + "|"
                        + v.started()
                        + "|"
                        + v.completed()
                        + "|"
                        + v.error()));
    trace
        .statuses()
        .forEach(
            s ->
                lines.add(
                    "S "
                        + s.id()
                        + "|"
                        + s.vertex()
                        + "|"
                        + s.name()
                        + "|"
                        + s.current()
                        + "|"
                        + s.total()
                        + "|"
                        + s.started()
                        + "|"
                        + s.completed()));
    trace
        .logs()
        .forEach(l -> lines.add("L " + l.vertex() + "|" + l.stream() + "|" + text(l.message())));
    trace
        .warnings()
        .forEach(
            w ->
                lines.add(
                    "W "
                        + w.vertex()
                        + "|"
                        + w.level()
                        + "|"
                        + text(w.summary())
                        + "|"
                        + w.detail().stream().map(BuildKitTraceTest::text).toList()
                        + "|"
                        + w.url()));
    return lines;
  }

  /** The same fields from protoc's parser. */
  private static List<String> describe(BuildkitStatusProto.StatusResponse response) {
    List<String> lines = new ArrayList<>();
    response
        .getVertexesList()
        .forEach(
            v ->
                lines.add(
                    "V "
                        + v.getDigest()
                        + "|"
                        + v.getName()
                        + "|"
                        + v.getCached()
                        + "|"
                        + (v.hasStarted() ? instant(v.getStarted()) : null)
                        + "|"
                        + (v.hasCompleted() ? instant(v.getCompleted()) : null)
                        + "|"
                        + v.getError()));
    response
        .getStatusesList()
        .forEach(
            s ->
                lines.add(
                    "S "
                        + s.getID()
                        + "|"
                        + s.getVertex()
                        + "|"
                        + s.getName()
                        + "|"
                        + s.getCurrent()
                        + "|"
                        + s.getTotal()
                        + "|"
                        + (s.hasStarted() ? instant(s.getStarted()) : null)
                        + "|"
                        + (s.hasCompleted() ? instant(s.getCompleted()) : null)));
    response
        .getLogsList()
        .forEach(
            l ->
                lines.add(
                    "L " + l.getVertex() + "|" + l.getStream() + "|" + l.getMsg().toStringUtf8()));
    response
        .getWarningsList()
        .forEach(
            w ->
                lines.add(
                    "W "
                        + w.getVertex()
                        + "|"
                        + w.getLevel()
                        + "|"
                        + w.getShort().toStringUtf8()
                        + "|"
                        + w.getDetailList().stream().map(ByteString::toStringUtf8).toList()
                        + "|"
                        + w.getUrl()));
    return lines;
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  private static ByteString utf8(String text) {
    return ByteString.copyFromUtf8(text);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}

package io.github.shipmaven.buildkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.docker.DockerDaemon;
import io.github.shipmaven.docker.ScriptedDaemonTestBase;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttp;
import okhttp3.internal.http2.Header;
import okhttp3.internal.http2.Hpack;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pins what {@link Session} needs of okhttp's HTTP/2 in server mode ({@code
 * okhttp3.internal.http2.Http2Connection} built with {@code client=false}, its {@code Listener},
 * {@code Http2Stream}'s headers, sink and trailers): internal API, which okhttp may change in any
 * release (in 5.2 {@code Builder.socket} went from a {@code Socket} and its streams to a {@code
 * BufferedSocket}). okhttp's own MockWebServer drives the same server mode, so it is maintained;
 * this test says whether a new okhttp still does what the session relies on, on the wire, with no
 * okhttp on the daemon's side: the daemon's bytes are a real Docker 20.10's ({@link
 * SessionWireCapture}) or frames built here, and what the session sends back is split into frames
 * here (only header blocks are decoded with okhttp's HPACK reader). An okhttp upgrade must keep it
 * green (pom.xml says so beside the version); its failures name the okhttp version.
 */
class OkHttpServerModeTest extends ScriptedDaemonTestBase {
  private static final String PIN =
      "okhttp "
          + OkHttp.VERSION
          + "'s HTTP/2 server mode (okhttp3.internal.http2, driven by buildkit/Session and"
          + " GrpcCall; internal API that may change in any okhttp release) no longer does what"
          + " the BuildKit session needs: keep <okhttp.version> in pom.xml at the last release"
          + " this test passed with, or adapt Session and GrpcCall. Failed: ";
  private static final int DATA = 0;
  private static final int HEADERS = 1;
  private static final int RST_STREAM = 3;
  private static final int SETTINGS = 4;
  private static final int GOAWAY = 7;
  private static final int WINDOW_UPDATE = 8;
  private static final int CONTINUATION = 9;
  private static final int END_STREAM = 0x1;
  private static final int ACK = 0x1;
  private static final int END_HEADERS = 0x4;
  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /** gRPC's framing of {@code HealthCheckResponse{status: SERVING}}. */
  private static final byte[] SERVING = {0, 0, 0, 0, 2, 0x08, 0x01};

  DockerDaemon docker;
  final CountDownLatch done = new CountDownLatch(1);

  /** Before the daemon closes: the session's connection first. */
  @AfterEach
  void stop() throws IOException {
    done.countDown();
    if (docker != null) {
      docker.close();
    }
  }

  /** One HTTP/2 frame the session sent; {@code headers} decoded for HEADERS (+ CONTINUATION). */
  record Frame(int type, int flags, int stream, byte[] payload, List<Header> headers) {
    boolean endsStream() {
      return (type == DATA || type == HEADERS) && (flags & END_STREAM) != 0;
    }

    @Override
    public String toString() {
      return type == -1
          ? "no frame: " + headers.get(0).value.utf8()
          : "Frame[type=" + type + ", flags=" + flags + ", stream=" + stream + "]";
    }
  }

  /**
   * The daemon's side: answers {@code POST /session} with 101, sends {@code opening}, and queues
   * every frame the session sends back (header blocks decoded in order, as HPACK's dynamic table
   * needs).
   */
  final class Wire {
    final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    volatile OutputStream toSession;
    // One reader fed block by block: HPACK's dynamic table lives across a connection's blocks.
    private final Buffer toDecode = new Buffer();
    private final Hpack.Reader hpack = new Hpack.Reader(toDecode, 4096);

    Wire(byte[] opening) {
      daemon.on(
          "POST /session",
          (request, reply) -> {
            reply.switchProtocols("h2c");
            toSession = reply.out();
            reply.out().write(opening);
            reply.out().flush();
            read(reply.in());
            done.await(60, TimeUnit.SECONDS);
          });
    }

    private void read(InputStream raw) {
      DataInputStream in = new DataInputStream(raw);
      Buffer block = new Buffer();
      try {
        while (true) {
          int length = (in.readUnsignedShort() << 8) | in.readUnsignedByte();
          int type = in.readUnsignedByte();
          int flags = in.readUnsignedByte();
          int stream = in.readInt() & 0x7fffffff;
          byte[] payload = new byte[length];
          in.readFully(payload);
          List<Header> headers = List.of();
          if (type == HEADERS || type == CONTINUATION) {
            block.write(payload);
            if ((flags & END_HEADERS) != 0) {
              headers = decode(block);
            }
          }
          frames.add(new Frame(type, flags, stream, payload, headers));
        }
      } catch (EOFException closed) {
        // the session closed the connection
      } catch (IOException e) {
        frames.add(new Frame(-1, 0, 0, new byte[0], List.of(new Header("error", e.toString()))));
      }
    }

    private List<Header> decode(Buffer block) throws IOException {
      toDecode.write(block, block.size());
      hpack.readHeaders();
      return hpack.getAndResetHeaderList();
    }

    /** The next frame the session sent, within 10 s. */
    Frame next() throws InterruptedException {
      Frame frame = frames.poll(10, TimeUnit.SECONDS);
      assertThat(frame).as(PIN + "the session sent no (further) frame within 10 s").isNotNull();
      assertThat(frame.type()).as(PIN + "reading the session's frames: " + frame).isNotEqualTo(-1);
      return frame;
    }

    void send(byte[] bytes) throws IOException {
      toSession.write(bytes);
      toSession.flush();
    }
  }

  Session open(List<GrpcMethod> methods) throws IOException {
    docker = connect();
    return Session.open(docker, "test", "shared-key", methods, ShipLog.NONE);
  }

  @Test
  void answersTheHealthChecksOfARecordedDocker2010() throws Exception {
    byte[] recorded;
    try (InputStream in =
        getClass().getResourceAsStream("/daemon-streams/docker-20.10/session-health.h2")) {
      recorded = in.readAllBytes();
    }
    Set<Integer> calls = callsIn(recorded);
    assertThat(calls).as("the recording's Health checks").hasSize(2);
    Wire wire = new Wire(recorded);

    try (Session session = open(List.of())) {
      Frame first = wire.next();
      assertThat(first.type() == SETTINGS && (first.flags() & ACK) == 0 && first.stream() == 0)
          .as(PIN + "the server's connection preface is a SETTINGS frame, got " + first)
          .isTrue();
      boolean settingsAcked = false;
      Map<Integer, List<Frame>> answers = new java.util.TreeMap<>();
      Set<Integer> ended = new LinkedHashSet<>();
      // okhttp acknowledges SETTINGS from its writer queue, so the ACK may follow the answers.
      while (ended.size() < calls.size() || !settingsAcked) {
        Frame frame = wire.frames.poll(10, TimeUnit.SECONDS);
        if (frame == null) {
          break; // what is missing is named below
        }
        assertThat(frame.type())
            .as(PIN + "reading the session's frames: " + frame)
            .isNotEqualTo(-1);
        assertThat(frame.type())
            .as(PIN + "the session reset a stream or went away: " + frame)
            .isNotIn(RST_STREAM, GOAWAY);
        if (frame.type() == SETTINGS && (frame.flags() & ACK) != 0) {
          settingsAcked = true;
        }
        if (frame.stream() != 0) {
          assertThat(calls)
              .as(PIN + "a frame on a stream the daemon never opened")
              .contains(frame.stream());
          answers.computeIfAbsent(frame.stream(), s -> new ArrayList<>()).add(frame);
          if (frame.endsStream()) {
            ended.add(frame.stream());
          }
        }
      }
      assertThat(settingsAcked).as(PIN + "the daemon's SETTINGS acknowledged").isTrue();
      assertThat(ended).as(PIN + "the Health checks answered to their end").isEqualTo(calls);
      for (Map.Entry<Integer, List<Frame>> answer : answers.entrySet()) {
        assertGrpcAnswer(answer.getValue(), SERVING, "0");
      }
      assertThat(session.ended()).as(PIN + "the session saw its connection end").isNull();
    }
  }

  @Test
  void writesWaitForTheDaemonsFlowControlWindowAndResumeOnWindowUpdate() throws Exception {
    byte[] big = new byte[100 * 1024];
    Arrays.fill(big, (byte) 'x');
    ByteArrayOutputStream opening = new ByteArrayOutputStream();
    opening.write(PREFACE);
    opening.write(frame(SETTINGS, 0, 0, new byte[0])); // defaults: a 65,535-byte window
    opening.write(frame(HEADERS, END_HEADERS, 1, requestHeaders("/test.Big/Get")));
    opening.write(frame(DATA, END_STREAM, 1, new byte[] {0, 0, 0, 0, 0}));
    Wire wire = new Wire(opening.toByteArray());
    GrpcMethod method =
        new GrpcMethod(
            "/test.Big/Get",
            call -> {
              assertThat(call.read()).isEmpty();
              assertThat(call.read()).isNull();
              call.write(big);
            });

    try (Session session = open(List.of(method))) {
      List<Frame> answer = new ArrayList<>();
      int data = 0;
      int window = 65_535;
      while (data < window) {
        Frame frame = wire.next();
        if (frame.stream() == 1) {
          answer.add(frame);
          data += frame.type() == DATA ? frame.payload().length : 0;
        }
      }
      assertThat(data).as(PIN + "DATA within the daemon's window").isEqualTo(window);
      Frame early = wire.frames.poll(300, TimeUnit.MILLISECONDS);
      while (early != null && early.stream() != 1) {
        early = wire.frames.poll(300, TimeUnit.MILLISECONDS);
      }
      assertThat(early)
          .as(PIN + "the session sent past the daemon's flow-control window: " + early)
          .isNull();

      wire.send(frame(WINDOW_UPDATE, 0, 0, int32(200_000)));
      wire.send(frame(WINDOW_UPDATE, 0, 1, int32(200_000)));
      Frame frame;
      do {
        frame = wire.next();
        if (frame.stream() == 1) {
          answer.add(frame);
        }
      } while (!(frame.stream() == 1 && frame.endsStream()));

      byte[] expected = new byte[5 + big.length];
      expected[2] = (byte) (big.length >>> 8 >>> 8);
      expected[3] = (byte) (big.length >>> 8);
      expected[4] = (byte) big.length;
      System.arraycopy(big, 0, expected, 5, big.length);
      assertGrpcAnswer(answer, expected, "0");
    }
  }

  @Test
  void answersAnUnknownMethodUnimplementedInOneHeadersFrame() throws Exception {
    ByteArrayOutputStream opening = new ByteArrayOutputStream();
    opening.write(PREFACE);
    opening.write(frame(SETTINGS, 0, 0, new byte[0]));
    opening.write(frame(HEADERS, END_HEADERS, 1, requestHeaders("/moby.Unknown/Call")));
    opening.write(frame(DATA, END_STREAM, 1, new byte[] {0, 0, 0, 0, 0}));
    Wire wire = new Wire(opening.toByteArray());

    try (Session session = open(List.of())) {
      Frame frame;
      do {
        frame = wire.next();
      } while (frame.stream() != 1);
      assertThat(frame.type() == HEADERS && frame.endsStream())
          .as(PIN + "a trailers-only answer (one HEADERS frame ending the stream), got " + frame)
          .isTrue();
      assertThat(value(frame.headers(), "grpc-status")).as(PIN + "grpc-status").isEqualTo("12");
      assertThat(value(frame.headers(), ":status")).as(PIN + ":status").isEqualTo("200");
    }
  }

  /** Response headers, DATA carrying exactly {@code message}, trailers with {@code status}. */
  private static void assertGrpcAnswer(List<Frame> frames, byte[] message, String status) {
    Frame head = frames.get(0);
    Frame last = frames.get(frames.size() - 1);
    assertThat(head.type())
        .as(PIN + "the answer starts with HEADERS: " + frames)
        .isEqualTo(HEADERS);
    assertThat(value(head.headers(), ":status")).as(PIN + ":status").isEqualTo("200");
    assertThat(value(head.headers(), "content-type"))
        .as(PIN + "content-type")
        .isEqualTo("application/grpc");
    assertThat(last.type() == HEADERS && last.endsStream())
        .as(PIN + "the answer ends with trailers (HEADERS ending the stream): " + frames)
        .isTrue();
    assertThat(value(last.headers(), "grpc-status")).as(PIN + "grpc-status").isEqualTo(status);
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    frames.stream()
        .filter(f -> f.type() == DATA)
        .forEach(f -> data.write(f.payload(), 0, f.payload().length));
    assertThat(data.toByteArray()).as(PIN + "the answer's DATA").isEqualTo(message);
  }

  private static String value(List<Header> headers, String name) {
    return headers.stream()
        .filter(h -> h.name.utf8().equals(name))
        .map(h -> h.value.utf8())
        .findFirst()
        .orElse(null);
  }

  /** The streams a recorded client opens: its HEADERS frames' stream ids. */
  private static Set<Integer> callsIn(byte[] recorded) {
    assertThat(Arrays.copyOf(recorded, PREFACE.length)).as("the client preface").isEqualTo(PREFACE);
    Set<Integer> streams = new LinkedHashSet<>();
    int at = PREFACE.length;
    while (at + 9 <= recorded.length) {
      int length =
          ((recorded[at] & 0xff) << 16)
              | ((recorded[at + 1] & 0xff) << 8)
              | recorded[at + 2] & 0xff;
      int type = recorded[at + 3] & 0xff;
      int stream =
          ((recorded[at + 5] & 0x7f) << 24)
              | ((recorded[at + 6] & 0xff) << 16)
              | ((recorded[at + 7] & 0xff) << 8)
              | recorded[at + 8] & 0xff;
      if (type == HEADERS) {
        streams.add(stream);
      }
      at += 9 + length;
    }
    assertThat(at).as("the recording ends on a frame boundary").isEqualTo(recorded.length);
    return streams;
  }

  private static byte[] frame(int type, int flags, int stream, byte[] payload) {
    byte[] frame = new byte[9 + payload.length];
    frame[0] = (byte) (payload.length >>> 16);
    frame[1] = (byte) (payload.length >>> 8);
    frame[2] = (byte) payload.length;
    frame[3] = (byte) type;
    frame[4] = (byte) flags;
    System.arraycopy(int32(stream), 0, frame, 5, 4);
    System.arraycopy(payload, 0, frame, 9, payload.length);
    return frame;
  }

  private static byte[] int32(int value) {
    return new byte[] {
      (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
    };
  }

  /** A gRPC request's header block: HPACK literals without indexing or Huffman (RFC 7541 6.2.2). */
  private static byte[] requestHeaders(String path) {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    String[][] headers = {
      {":method", "POST"},
      {":scheme", "http"},
      {":path", path},
      {":authority", "session"},
      {"content-type", "application/grpc"},
      {"te", "trailers"}
    };
    for (String[] header : headers) {
      block.write(0);
      for (String part : header) {
        byte[] bytes = part.getBytes(StandardCharsets.US_ASCII);
        block.write(bytes.length); // all shorter than 127: one byte, no Huffman
        block.write(bytes, 0, bytes.length);
      }
    }
    return block.toByteArray();
  }
}

package io.github.shipmaven.buildkit;

import io.github.shipmaven.buildkit.protoc.BuildkitStatusProto;
import io.github.shipmaven.docker.Fixtures;
import java.util.List;

/**
 * bench/trace-decode.sh's measurement, in a fresh JVM each time: the BuildKit status updates of one
 * captured build decoded by the plugin's hand-written reader ({@code hand}) or by protoc's
 * generated classes on protobuf-java ({@code protoc}). The payloads are read before the clock
 * starts, so only the decoding and the classes it loads are timed. Prints the first update's and
 * the whole build's microseconds.
 */
public final class TraceDecodeBench {
  private TraceDecodeBench() {}

  public static void main(String[] args) throws Exception {
    List<byte[]> updates = Fixtures.traces("buildkit-run-mount-cache.jsonl");
    boolean hand = args[0].equals("hand");
    long start = System.nanoTime();
    long first = 0;
    int steps = 0;
    for (byte[] update : updates) {
      steps +=
          hand
              ? BuildKitTrace.decode(update).vertexes().size()
              : BuildkitStatusProto.StatusResponse.parseFrom(update).getVertexesCount();
      if (first == 0) {
        first = System.nanoTime() - start;
      }
    }
    long all = System.nanoTime() - start;
    System.out.println(
        args[0] + " " + first / 1000 + " " + all / 1000 + " " + updates.size() + " " + steps);
  }
}

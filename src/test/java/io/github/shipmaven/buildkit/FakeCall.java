package io.github.shipmaven.buildkit;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One call as a service sees it, played by a test: the daemon's request messages go in through
 * {@link #send}, {@link #end} half-closes, and the service's answers come out of {@link #next}.
 */
final class FakeCall implements Messages {
  private static final byte[] END = new byte[0];

  final Map<String, String> metadata = new HashMap<>();
  private final BlockingQueue<byte[]> requests = new LinkedBlockingQueue<>();
  private final BlockingQueue<byte[]> answers = new LinkedBlockingQueue<>();

  /** A unary call with one request. */
  static FakeCall unary(byte[] request) {
    FakeCall call = new FakeCall();
    call.send(request);
    call.end();
    return call;
  }

  void send(byte[] message) {
    requests.add(message.clone());
  }

  void end() {
    requests.add(END);
  }

  /** The next answer the service wrote, waiting at most 10 s; null if none came. */
  byte[] next() throws InterruptedException {
    return answers.poll(10, TimeUnit.SECONDS);
  }

  /** Whether the service wrote nothing (more). */
  boolean noMoreAnswers() {
    return answers.isEmpty();
  }

  @Override
  public byte[] read() throws java.io.IOException {
    try {
      byte[] message = requests.poll(30, TimeUnit.SECONDS);
      if (message == null) {
        throw new java.io.IOException("the test sent nothing for 30 s");
      }
      return message == END ? null : message;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException();
    }
  }

  @Override
  public void write(byte[] message) {
    answers.add(message.clone());
  }

  @Override
  public String metadata(String key) {
    return metadata.get(key);
  }
}

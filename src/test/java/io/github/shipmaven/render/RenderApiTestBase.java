package io.github.shipmaven.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.shipmaven.core.ShipException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockWebServer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Render's REST API played by MockWebServer, a fake clock and a log that keeps every line; after
 * each test, the API key (and whatever else {@link #canaries} names) is in no failure's message, no
 * cause's message, no stack trace and no log line.
 */
abstract class RenderApiTestBase {
  static final String API_KEY = "rnd_apiKey456secret";
  static final Duration POLL = Duration.ofSeconds(5);

  final MockWebServer server = new MockWebServer();
  final FakeTime time = new FakeTime();
  final RenderAnswers.AllLines log = new RenderAnswers.AllLines();
  final List<ShipException> failures = new ArrayList<>();

  /** The client's bounds; a test may shorten them before it makes the client. */
  RenderClient.Timeouts http =
      new RenderClient.Timeouts(
          RenderClient.CONNECT_TIMEOUT, Duration.ofMillis(500), RenderHttp.CALL_TIMEOUT);

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  /** The secrets no output may show: the API key; a test class may add its own. */
  List<String> canaries() {
    return List.of(API_KEY);
  }

  @AfterEach
  void noSecretAnywhere() {
    server.close();
    String[] canaries = canaries().toArray(String[]::new);
    for (ShipException failure : failures) {
      for (Throwable t = failure; t != null; t = t.getCause()) {
        assertThat(String.valueOf(t.getMessage())).doesNotContain(canaries);
      }
      StringWriter trace = new StringWriter();
      failure.printStackTrace(new PrintWriter(trace));
      assertThat(trace.toString()).doesNotContain(canaries);
    }
    assertThat(log.lines).noneMatch(l -> canaries().stream().anyMatch(l::contains));
  }

  RenderClient client() {
    return new RenderClient(http, server.url("/").uri(), API_KEY, time, time, log);
  }

  /** The ShipException {@code call} throws; it is checked for the canaries after the test. */
  ShipException failure(ThrowingCallable call) {
    ShipException e = catchThrowableOfType(ShipException.class, call);
    assertThat(e).as("a ShipException").isNotNull();
    failures.add(e);
    return e;
  }
}

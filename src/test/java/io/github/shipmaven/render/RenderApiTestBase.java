package io.github.shipmaven.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.shipmaven.core.ShipException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockWebServer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Render's REST API played by MockWebServer, a fake clock and a log that keeps every line; after
 * each test, the API key is in no failure message and no log line.
 */
abstract class RenderApiTestBase {
  static final String API_KEY = "rnd_apiKey456secret";
  static final Duration POLL = Duration.ofSeconds(5);

  final MockWebServer server = new MockWebServer();
  final FakeTime time = new FakeTime();
  final RenderAnswers.AllLines log = new RenderAnswers.AllLines();
  final List<String> messages = new ArrayList<>();
  final RenderClient.Timeouts http =
      new RenderClient.Timeouts(
          RenderClient.CONNECT_TIMEOUT, Duration.ofMillis(500), RenderHttp.CALL_TIMEOUT);

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void noKeyInAnyMessageOrLogLine() {
    server.close();
    assertThat(messages).noneMatch(m -> m.contains(API_KEY));
    assertThat(log.lines).noneMatch(l -> l.contains(API_KEY));
  }

  RenderClient client() {
    return new RenderClient(http, server.url("/").uri(), API_KEY, time, time, log);
  }

  /** The ShipException {@code call} throws; its message is checked for the key after the test. */
  ShipException failure(ThrowingCallable call) {
    ShipException e = catchThrowableOfType(ShipException.class, call);
    assertThat(e).as("a ShipException").isNotNull();
    messages.add(e.getMessage());
    return e;
  }
}

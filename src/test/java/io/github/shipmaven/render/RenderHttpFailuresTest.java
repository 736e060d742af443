package io.github.shipmaven.render;

import static io.github.shipmaven.render.RenderAnswers.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JDK client's failure paths: the hook's key (a canary) reaches no message, no cause's message
 * and no log line, however a call fails; what may have reached Render is sent once, what cannot
 * have reached it is retried.
 */
@Timeout(60)
class RenderHttpFailuresTest extends RenderApiTestBase {
  static final String CANARY = "CanaryHookKey7f3a";
  static final String IMAGE = "docker.io/team/app@sha256:" + "ab".repeat(32);

  @Override
  List<String> canaries() {
    return List.of(CANARY, API_KEY);
  }

  DeployHook hook() {
    return DeployHook.parse(server.url("/deploy/srv-abc?key=" + CANARY).toString(), "test");
  }

  String message(ThrowingCallable call) {
    return failure(call).getMessage();
  }

  @Test
  void aRefusedConnectionIsRetriedAndNamesNoKey() throws Exception {
    int closedPort = RenderAnswers.closedPort();
    DeployHook unreachable =
        DeployHook.parse("http://127.0.0.1:" + closedPort + "/deploy/srv-abc?key=" + CANARY, "t");
    assertThat(message(() -> client().trigger(unreachable, IMAGE)))
        .contains("Could not reach", "after " + RenderHttp.ATTEMPTS + " attempts");
    assertThat(time.sleeps).hasSize(RenderHttp.ATTEMPTS - 1);
  }

  @Test
  void aFailedTlsHandshakeReachedNothingAndIsRetried() {
    // https to a plain-http server: the handshake fails inside connect(), before any request
    DeployHook tls =
        DeployHook.parse(
            "https://127.0.0.1:" + server.getPort() + "/deploy/srv-abc?key=" + CANARY, "t");
    assertThat(message(() -> client().trigger(tls, IMAGE)))
        .contains("Could not reach", "after " + RenderHttp.ATTEMPTS + " attempts");
    assertThat(time.sleeps).hasSize(RenderHttp.ATTEMPTS - 1);
  }

  @Test
  void a404OnTheHookNamesNoKey() throws Exception {
    // the JDK's FileNotFoundException for a 404 names the whole URL: it must never be read
    server.enqueue(json(404, "{\"message\":\"not found: /deploy/srv-abc?key=" + CANARY + "\"}"));
    assertThat(message(() -> client().trigger(hook(), IMAGE))).contains("(404)", "srv- id");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void renderMessagesAreReadFromErrorAnswersWithTheKeyMasked() {
    server.enqueue(json(400, "{\"message\":\"bad imgURL for key " + CANARY + "\"}"));
    assertThat(message(() -> client().trigger(hook(), IMAGE)))
        .contains("Render answered 400 (bad imgURL for key ****)");
  }

  @Test
  void a500OnTheHookIsSentOnceAndNamesNoKey() {
    server.enqueue(json(500, "{\"message\":\"boom\"}"));
    assertThat(message(() -> client().trigger(hook(), IMAGE)))
        .contains("Render answered 500", "may or may not have been triggered");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aReadTimeoutOnTheHookIsSentOnceAndNamesNoKey() {
    server.enqueue(new MockResponse.Builder().code(200).headersDelay(3, TimeUnit.SECONDS).build());
    assertThat(message(() -> client().trigger(hook(), IMAGE)))
        .contains("No answer in time", "may or may not have been triggered");
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(time.sleeps).isEmpty();
  }

  @Test
  void aTricklingAnswerEndsAtTheCallBoundAsATimeout() {
    http = new RenderClient.Timeouts(http.connect(), http.read(), Duration.ofSeconds(1));
    server.enqueue(RenderClientTest.trickling("{\"deploy\":{\"id\":\"dep-1\"}}"));
    long start = System.nanoTime();
    assertThat(message(() -> client().trigger(hook(), IMAGE)))
        .contains("No answer in time", "may or may not have been triggered");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aSlowAnswerEndsAtTheCallBoundWithinTheReadTimeout() {
    http = new RenderClient.Timeouts(http.connect(), Duration.ofSeconds(10), Duration.ofSeconds(1));
    server.enqueue(new MockResponse.Builder().code(200).headersDelay(4, TimeUnit.SECONDS).build());
    long start = System.nanoTime();
    assertThat(message(() -> client().trigger(hook(), IMAGE)))
        .contains("No answer in time", "may or may not have been triggered");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void theHookIsNotSentAgainWhenTheConnectionDropsAfterIt() throws Exception {
    // HttpURLConnection's "try once more" would resend a plain POST here; streaming mode does not
    server.enqueue(
        new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
    server.enqueue(json(200, "{\"deploy\":{\"id\":\"dep-2\"}}"));
    assertThat(message(() -> client().trigger(hook(), IMAGE)))
        .contains("broke off", "may or may not have been triggered");
    assertThat(server.getRequestCount()).isEqualTo(1);
    RecordedRequest request = server.takeRequest();
    assertThat(request.getHeaders().get("Content-Length")).as("fixed-length").isEqualTo("0");
    assertThat(request.getHeaders().get("Transfer-Encoding")).isNull();
  }

  @Test
  void aRedirectOfTheHookIsNotFollowed() {
    server.enqueue(
        new MockResponse.Builder()
            .code(307)
            .setHeader("Location", server.url("/deploy/srv-other?key=" + CANARY))
            .build());
    server.enqueue(json(200, "{\"deploy\":{\"id\":\"dep-3\"}}"));
    assertThat(message(() -> client().trigger(hook(), IMAGE))).contains("Render answered 307");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aChallengeIsNotAnsweredWithTheJvmsAuthenticator() {
    AtomicInteger asked = new AtomicInteger();
    Authenticator.setDefault(
        new Authenticator() {
          @Override
          protected PasswordAuthentication getPasswordAuthentication() {
            asked.incrementAndGet();
            return new PasswordAuthentication("user", "password".toCharArray());
          }
        });
    try {
      server.enqueue(
          new MockResponse.Builder()
              .code(401)
              .setHeader("WWW-Authenticate", "Basic realm=\"render\"")
              .build());
      server.enqueue(json(200, "{\"id\":\"dep-4\",\"status\":\"live\"}"));
      assertThat(message(() -> client().deploy("srv-abc", IMAGE)))
          .contains("refused RENDER_API_KEY");
      assertThat(server.getRequestCount()).isEqualTo(1);
      assertThat(asked).hasValue(0);
    } finally {
      Authenticator.setDefault(null);
    }
  }

  @Test
  void theApiPostIsFixedLengthJson() throws Exception {
    server.enqueue(json(201, "{\"id\":\"dep-5\",\"status\":\"created\"}"));
    assertThat(client().deploy("srv-abc", IMAGE).deployId()).isEqualTo("dep-5");
    RecordedRequest request = server.takeRequest();
    assertThat(request.getHeaders().get("Content-Length"))
        .isEqualTo(String.valueOf(request.getBody().size()));
    assertThat(request.getHeaders().get("Transfer-Encoding")).isNull();
    assertThat(request.getHeaders().get("Accept")).isEqualTo("application/json");
  }
}

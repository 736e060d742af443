package io.github.shipmaven.render;

import static io.github.shipmaven.render.RenderAnswers.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.shipmaven.core.RecordingLog;
import io.github.shipmaven.core.ShipException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RenderClientTest {
  static final String KEY = "hookKey123";
  static final String API_KEY = "rnd_apiKey456";
  static final String DIGEST = "sha256:" + "ab".repeat(32);
  static final String IMAGE = "docker.io/team/app@" + DIGEST;

  final MockWebServer server = new MockWebServer();
  final FakeTime time = new FakeTime();
  final RecordingLog log = new RecordingLog();
  final List<String> lines = log.lines;
  RenderClient.Timeouts http =
      new RenderClient.Timeouts(
          RenderClient.CONNECT_TIMEOUT, Duration.ofMillis(500), RenderHttp.CALL_TIMEOUT);

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  DeployHook hook() {
    return DeployHook.parse(
        server.url("/deploy/srv-abc?key=" + KEY).toString(), "env RENDER_DEPLOY_HOOK_URL");
  }

  RenderClient client() {
    return new RenderClient(http, server.url("/").uri(), API_KEY, time, time, log);
  }

  static MockResponse deploy(String status) {
    return json(
        200,
        "{\"id\":\"dep-1\",\"status\":\""
            + status
            + "\",\"image\":{\"ref\":\"x\",\"sha\":\""
            + DIGEST
            + "\"}}");
  }

  @Test
  void postsTheHookWithTheDigestAndReturnsTheDeployId() throws Exception {
    server.enqueue(json(200, "{\"deploy\":{\"id\":\"dep-1\"}}"));
    assertThat(client().trigger(hook(), IMAGE)).isEqualTo("dep-1");
    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().queryParameter("imgURL")).isEqualTo(IMAGE);
    assertThat(request.getUrl().encodedQuery())
        .contains("imgURL=docker.io%2Fteam%2Fapp%40sha256%3A");
    assertThat(request.getUrl().queryParameter("key")).isEqualTo(KEY);
  }

  @Test
  void acceptedWithoutABodyMeansQueued() {
    server.enqueue(new MockResponse.Builder().code(202).build());
    assertThat(client().trigger(hook(), IMAGE)).isNull();
  }

  @Test
  void a503ThenA200DeploysOnce() {
    server.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", "7").build());
    server.enqueue(json(200, "{\"deploy\":{\"id\":\"dep-2\"}}"));
    assertThat(client().trigger(hook(), IMAGE)).isEqualTo("dep-2");
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(time.sleeps).containsExactly(Duration.ofSeconds(7));
  }

  @Test
  void a429HonoursRetryAfterBounded() {
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "3").build());
    server.enqueue(
        new MockResponse.Builder().code(429).setHeader("Ratelimit-Reset", "3600").build());
    server.enqueue(json(200, "{\"deploy\":{\"id\":\"dep-3\"}}"));
    assertThat(client().trigger(hook(), IMAGE)).isEqualTo("dep-3");
    assertThat(time.sleeps).containsExactly(Duration.ofSeconds(3), RenderHttp.MAX_RETRY_WAIT);
    assertThat(lines).anyMatch(l -> l.contains("rate limit"));
  }

  @Test
  void aReadTimeoutIsNotRetriedAndSaysTheOutcomeIsUnknown() {
    server.enqueue(new MockResponse.Builder().code(200).headersDelay(3, TimeUnit.SECONDS).build());
    assertThatThrownBy(() -> client().trigger(hook(), IMAGE))
        .isInstanceOf(ShipException.class)
        .hasMessageContaining("may or may not have been triggered")
        .hasMessageContaining("https://dashboard.render.com/web/srv-abc")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY));
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(time.sleeps).isEmpty();
  }

  @Test
  void a500IsNotRetried() {
    server.enqueue(new MockResponse.Builder().code(500).build());
    assertThatThrownBy(() -> client().trigger(hook(), IMAGE))
        .hasMessageContaining("may or may not");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void a401NamesTheHookSourceNotTheKey() {
    server.enqueue(new MockResponse.Builder().code(401).build());
    assertThatThrownBy(() -> client().trigger(hook(), IMAGE))
        .isInstanceOf(ShipException.class)
        .hasMessageContaining("refused the key")
        .hasMessageContaining("env RENDER_DEPLOY_HOOK_URL")
        .satisfies(e -> assertThat(((ShipException) e).kind()).isEqualTo(ShipException.Kind.CONFIG))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY));
  }

  @Test
  void a404SaysToCheckTheService() {
    server.enqueue(new MockResponse.Builder().code(404).build());
    assertThatThrownBy(() -> client().trigger(hook(), IMAGE)).hasMessageContaining("srv- id");
  }

  @Test
  void connectFailuresAreRetriedBecauseNothingReachedRender() throws Exception {
    int closedPort = RenderAnswers.closedPort();
    DeployHook unreachable =
        DeployHook.parse("http://127.0.0.1:" + closedPort + "/deploy/srv-abc?key=" + KEY, "test");
    assertThatThrownBy(() -> client().trigger(unreachable, IMAGE))
        .hasMessageContaining("Could not reach")
        .hasMessageContaining("after " + RenderHttp.ATTEMPTS + " attempts");
    assertThat(time.sleeps).hasSize(RenderHttp.ATTEMPTS - 1);
  }

  @Test
  void waitsThroughEachStatusUntilLive() throws Exception {
    server.enqueue(deploy("created"));
    server.enqueue(deploy("update_in_progress"));
    server.enqueue(deploy("update_in_progress"));
    server.enqueue(deploy("live"));
    RenderClient.Deploy result =
        client().await("srv-abc", "dep-1", DIGEST, Duration.ofMinutes(10), Duration.ofSeconds(5));
    assertThat(result.status()).isEqualTo("live");
    assertThat(lines)
        .containsExactly(
            "Render deploy dep-1: created",
            "Render deploy dep-1: update_in_progress",
            "Render deploy dep-1: live");
    RecordedRequest poll = server.takeRequest();
    assertThat(poll.getUrl().encodedPath()).isEqualTo("/v1/services/srv-abc/deploys/dep-1");
    assertThat(poll.getHeaders().get("Authorization")).isEqualTo("Bearer " + API_KEY);
    assertThat(time.sleeps).containsOnly(Duration.ofSeconds(5));
  }

  /** A 200 whose body would take ~20 s: 10 bytes every 100 ms, each read well within 500 ms. */
  static MockResponse trickling(String json) {
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "application/json")
        .body(json + " ".repeat(2_000))
        .throttleBody(10, 100, TimeUnit.MILLISECONDS)
        .build();
  }

  @Test
  void aTricklingPollCannotRunPastTheTimeout() {
    server.enqueue(
        trickling(
            "{\"id\":\"dep-1\",\"status\":\"created\",\"image\":{\"sha\":\"" + DIGEST + "\"}}"));
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                client()
                    .await(
                        "srv-abc", "dep-1", DIGEST, Duration.ofSeconds(1), Duration.ofSeconds(5)))
        .isInstanceOf(ShipException.class)
        .hasMessageContaining("not live within PT1S");
    // The poll was cut at the deadline (1 s), not left to read for ~20 s.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aTricklingAnswerToTheHookIsCutByTheCallTimeout() {
    http = new RenderClient.Timeouts(http.connect(), http.read(), Duration.ofSeconds(1));
    server.enqueue(trickling("{\"id\":\"dep-1\"}"));
    long start = System.nanoTime();
    assertThatThrownBy(() -> client().trigger(hook(), IMAGE))
        .isInstanceOf(ShipException.class)
        .hasMessageContaining("No answer in time")
        .hasMessageContaining("may or may not have been triggered")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(server.getRequestCount()).isEqualTo(1); // it may have reached Render: never resent
  }

  @Test
  void everyCallIsBoundedAsAWhole() throws Exception {
    assertThat(RenderClient.Timeouts.DEFAULT)
        .isEqualTo(
            new RenderClient.Timeouts(
                Duration.ofSeconds(10), Duration.ofSeconds(10), RenderHttp.CALL_TIMEOUT));
    RenderHttp calls =
        new RenderHttp(RenderClient.Timeouts.DEFAULT, server.url("/").uri(), API_KEY, time, log);
    for (String url : List.of("https://api.render.com/v1/x", server.url("/v1/x").toString())) {
      HttpURLConnection connection = calls.open(calls.api(URI.create(url)));
      assertThat(connection.getConnectTimeout()).isEqualTo(10_000);
      assertThat(connection.getReadTimeout()).isEqualTo(10_000);
      assertThat(connection.getInstanceFollowRedirects()).as("no redirect followed").isFalse();
    }
  }

  @Test
  void failedStatusesFailNamingTheDeployAndStatus() {
    for (String status :
        List.of("build_failed", "update_failed", "pre_deploy_failed", "canceled")) {
      server.enqueue(deploy(status));
      assertThatThrownBy(
              () ->
                  client()
                      .await(
                          "srv-abc", "dep-1", DIGEST, Duration.ofMinutes(1), Duration.ofSeconds(5)))
          .hasMessageContaining("dep-1 ended " + status)
          .hasMessageContaining("https://dashboard.render.com/web/srv-abc/deploys/dep-1");
    }
  }

  @Test
  void deactivatedCountsAsSuccessWithAWarning() {
    server.enqueue(deploy("deactivated"));
    assertThat(
            client()
                .await("srv-abc", "dep-1", DIGEST, Duration.ofMinutes(1), Duration.ofSeconds(5))
                .status())
        .isEqualTo("deactivated");
    assertThat(lines).anyMatch(l -> l.contains("superseded"));
  }

  @Test
  void timesOutNamingTheLastStatus() {
    for (int i = 0; i < 20; i++) {
      server.enqueue(deploy("build_in_progress"));
    }
    assertThatThrownBy(
            () ->
                client()
                    .await(
                        "srv-abc", "dep-1", DIGEST, Duration.ofSeconds(30), Duration.ofSeconds(5)))
        .hasMessageContaining("not live within PT30S")
        .hasMessageContaining("last status: build_in_progress");
  }

  @Test
  void aDeployOfAnotherImageFails() {
    server.enqueue(
        json(200, "{\"id\":\"dep-1\",\"status\":\"live\",\"image\":{\"sha\":\"sha256:other\"}}"));
    assertThatThrownBy(
            () ->
                client()
                    .await(
                        "srv-abc", "dep-1", DIGEST, Duration.ofMinutes(1), Duration.ofSeconds(5)))
        .hasMessageContaining("runs image sha256:other, not the pushed " + DIGEST);
  }

  @Test
  void pollingRidesOut429And5xx() {
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "20").build());
    server.enqueue(new MockResponse.Builder().code(502).build());
    server.enqueue(deploy("live"));
    assertThat(
            client()
                .await("srv-abc", "dep-1", DIGEST, Duration.ofMinutes(5), Duration.ofSeconds(5))
                .status())
        .isEqualTo("live");
    assertThat(time.sleeps).containsExactly(Duration.ofSeconds(20), Duration.ofSeconds(5));
  }

  @Test
  void aQueuedDeployIsFoundByItsDigest() throws Exception {
    server.enqueue(
        json(
            200,
            "[{\"deploy\":{\"id\":\"dep-9\",\"status\":\"created\",\"image\":{\"sha\":\""
                + DIGEST
                + "\"}},\"cursor\":\"c\"},{\"deploy\":{\"id\":\"dep-8\",\"status\":\"live\",\"image\":{\"sha\":\"sha256:old\"}}}]"));
    server.enqueue(
        json(200, "{\"id\":\"dep-9\",\"status\":\"live\",\"image\":{\"sha\":\"" + DIGEST + "\"}}"));
    RenderClient.Deploy result =
        client().await("srv-abc", null, DIGEST, Duration.ofMinutes(5), Duration.ofSeconds(5));
    assertThat(result.id()).isEqualTo("dep-9");
    assertThat(result.status()).isEqualTo("live");
    assertThat(server.takeRequest().getUrl().encodedPath())
        .isEqualTo("/v1/services/srv-abc/deploys");
    assertThat(server.takeRequest().getUrl().encodedPath())
        .isEqualTo("/v1/services/srv-abc/deploys/dep-9");
  }

  @Test
  void aRejectedApiKeyIsAClearError() {
    server.enqueue(new MockResponse.Builder().code(401).build());
    assertThatThrownBy(
            () ->
                client()
                    .await(
                        "srv-abc", "dep-1", DIGEST, Duration.ofMinutes(1), Duration.ofSeconds(5)))
        .hasMessageContaining("refused RENDER_API_KEY")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(API_KEY));
  }

  @Test
  void waitingWithoutAnApiKeyIsAClearError() {
    RenderClient noKey = new RenderClient(http, server.url("/").uri(), null, time, time, log);
    assertThatThrownBy(
            () ->
                noKey.await(
                    "srv-abc", "dep-1", DIGEST, Duration.ofMinutes(1), Duration.ofSeconds(5)))
        .hasMessageContaining("RENDER_API_KEY");
  }

  /** What the deploy id was when the answer was read as a Jackson tree. */
  static String idAsTheTreeReadIt(String body) {
    try {
      JsonNode root = new ObjectMapper().readTree(body);
      JsonNode id = root.has("deploy") ? root.path("deploy").path("id") : root.path("id");
      return id.isTextual() ? id.asText() : null;
    } catch (Exception e) {
      return null;
    }
  }

  @Test
  void theDeployIdIsReadFromTheAnswerAsTheJacksonTreeReadIt() {
    String[] answers = {
      "{\"deploy\":{\"id\":\"dep-1\",\"extra\":{\"id\":\"dep-x\"}}}",
      "{\"id\":\"dep-2\",\"status\":\"created\"}",
      "{\"x\":[{\"id\":\"no\"}],\"y\":{\"id\":\"no\"},\"id\":\"dep-3\"}",
      "{\"id\":\"dep-4\",\"deploy\":{\"status\":\"created\"}}",
      "{\"deploy\":\"dep-5\",\"id\":\"no\"}",
      "{\"deploy\":{\"id\":5}}",
      "{\"id\":{\"id\":\"no\"}}",
      "{\"id\":\"first\",\"id\":\"dep-6\"}",
      "[{\"id\":\"dep-7\"}]",
      "\"dep-8\"",
      "{}",
      "{\"id\":\"dep-9\"",
      "not json",
    };
    assertThat(RenderClient.deployId("{\"deploy\":{\"id\":\"dep-1\"}}")).isEqualTo("dep-1");
    assertThat(RenderClient.deployId("{\"id\":\"dep-2\"}")).isEqualTo("dep-2");
    for (String answer : answers) {
      assertThat(RenderClient.deployId(answer)).as(answer).isEqualTo(idAsTheTreeReadIt(answer));
    }
    assertThat(RenderClient.deployId(null)).isNull();
    assertThat(RenderClient.deployId(" ")).isNull();
  }
}

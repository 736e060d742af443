package io.github.shipmaven.render;

import static io.github.shipmaven.render.RenderAnswers.deploy;
import static io.github.shipmaven.render.RenderAnswers.empty;
import static io.github.shipmaven.render.RenderAnswers.json;
import static io.github.shipmaven.render.RenderAnswers.list;
import static io.github.shipmaven.render.RenderAnswers.message;
import static io.github.shipmaven.render.RenderAnswers.sha;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.shipmaven.core.ShipException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RenderApiDeployTest extends RenderApiTestBase {
  static final String DIGEST = sha('a');
  static final String IMAGE = "docker.io/team/app@" + DIGEST;

  @Test
  void postsTheImageWithTheKeyAndReturnsTheDeploy() throws Exception {
    server.enqueue(json(201, deploy("dep-1", "created", DIGEST, "2026-11-24T12:00:00Z")));
    RenderClient.Triggered triggered = client().deploy("srv-abc", IMAGE);
    assertThat(triggered.deployId()).isEqualTo("dep-1");
    assertThat(triggered.serviceId()).isEqualTo("srv-abc");
    assertThat(triggered.digest()).isEqualTo(DIGEST);
    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/v1/services/srv-abc/deploys");
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + API_KEY);
    assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
    JsonNode body = new ObjectMapper().readTree(request.getBody().utf8());
    assertThat(body.path("imageUrl").asText()).isEqualTo(IMAGE);
    assertThat(body.path("clearCache").asText()).isEqualTo("do_not_clear");
  }

  @Test
  void a202IsFoundByItsDigestAmongDeploysCreatedSinceTheCall() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .code(202)
            .setHeader("Date", "Tue, 24 Nov 2026 12:00:00 GMT")
            .build());
    // Not there yet: only the same image deployed an hour ago (a previous run), which is not ours.
    server.enqueue(list(deploy("dep-old", "live", DIGEST, "2026-11-24T11:00:00Z")));
    server.enqueue(
        list(
            deploy("dep-other", "created", sha('b'), "2026-11-24T12:00:02Z"),
            deploy("dep-9", "queued", DIGEST, "2026-11-24T11:59:59.5Z"),
            deploy("dep-old", "live", DIGEST, "2026-11-24T11:00:00Z")));
    server.enqueue(json(200, deploy("dep-9", "live", DIGEST, "2026-11-24T11:59:59.5Z")));
    RenderClient client = client();

    RenderClient.Triggered triggered = client.deploy("srv-abc", IMAGE);
    assertThat(triggered.deployId()).isNull();
    assertThat(triggered.notBefore())
        .isBeforeOrEqualTo(Instant.parse("2026-11-24T11:59:50Z"))
        .isAfter(Instant.parse("2026-11-24T11:59:40Z"));
    RenderClient.Deploy deploy = client.await(triggered, Duration.ofMinutes(5), POLL);

    assertThat(deploy.id()).isEqualTo("dep-9");
    assertThat(deploy.status()).isEqualTo("live");
    server.takeRequest();
    RecordedRequest lookup = server.takeRequest();
    assertThat(lookup.getUrl().encodedPath()).isEqualTo("/v1/services/srv-abc/deploys");
    assertThat(lookup.getUrl().queryParameter("limit")).isEqualTo("20");
    assertThat(lookup.getUrl().queryParameter("status")).isNull();
    server.takeRequest();
    assertThat(server.takeRequest().getUrl().encodedPath())
        .isEqualTo("/v1/services/srv-abc/deploys/dep-9");
    assertThat(time.sleeps).containsExactly(POLL, POLL);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Retry-After", "Ratelimit-Reset"})
  void a429IsRetriedAfterWhatRenderSays(String header) {
    server.enqueue(new MockResponse.Builder().code(429).setHeader(header, "7").build());
    server.enqueue(json(201, deploy("dep-2", "created", DIGEST, null)));
    assertThat(client().deploy("srv-abc", IMAGE).deployId()).isEqualTo("dep-2");
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(time.sleeps).containsExactly(Duration.ofSeconds(7));
    assertThat(log.lines).anyMatch(l -> l.startsWith("WARN") && l.contains("rate limit"));
  }

  @Test
  void a429ThatLastsFailsAfterTheAttempts() {
    for (int i = 0; i < RenderHttp.ATTEMPTS; i++) {
      server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "1").build());
    }
    assertThat(failure(() -> client().deploy("srv-abc", IMAGE)).getMessage())
        .contains("kept answering 429", "10 deploys a minute");
    assertThat(server.getRequestCount()).isEqualTo(RenderHttp.ATTEMPTS);
  }

  @Test
  void a503IsRetried() {
    server.enqueue(empty(503));
    server.enqueue(json(201, deploy("dep-3", "created", DIGEST, null)));
    assertThat(client().deploy("srv-abc", IMAGE).deployId()).isEqualTo("dep-3");
    assertThat(time.sleeps).containsExactly(Duration.ofSeconds(2));
  }

  @Test
  void a500IsNotRetriedAndTheOutcomeIsUnknown() {
    server.enqueue(empty(500));
    assertThat(failure(() -> client().deploy("srv-abc", IMAGE)).getMessage())
        .contains("Render answered 500", "may or may not have been triggered")
        .contains("https://dashboard.render.com/web/srv-abc");
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(time.sleeps).isEmpty();
  }

  @Test
  void aReadTimeoutIsNotRetried() {
    server.enqueue(new MockResponse.Builder().code(201).headersDelay(3, TimeUnit.SECONDS).build());
    assertThat(failure(() -> client().deploy("srv-abc", IMAGE)).getMessage())
        .contains("No answer in time from Render's API", "may or may not have been triggered");
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(time.sleeps).isEmpty();
  }

  @Test
  void aConnectionDroppedAfterTheRequestWasSentIsNotRetried() {
    server.enqueue(
        new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
    server.enqueue(json(201, deploy("dep-4", "created", DIGEST, null)));
    assertThat(failure(() -> client().deploy("srv-abc", IMAGE)).getMessage())
        .contains("broke off", "may or may not have been triggered");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void connectFailuresAreRetriedBecauseNothingReachedRender() throws Exception {
    int closedPort = RenderAnswers.closedPort();
    RenderClient unreachable =
        new RenderClient(
            http, URI.create("http://127.0.0.1:" + closedPort + "/"), API_KEY, time, time, log);
    assertThat(failure(() -> unreachable.deploy("srv-abc", IMAGE)).getMessage())
        .contains("Could not reach Render's API", "after " + RenderHttp.ATTEMPTS + " attempts");
    assertThat(time.sleeps)
        .containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8));
  }

  @ParameterizedTest
  @ValueSource(ints = {401, 403})
  void aRefusedKeyNamesWhereItComesFromNotTheKey(int code) {
    server.enqueue(message(code, "unauthorized"));
    ShipException e = failure(() -> client().deploy("srv-abc", IMAGE));
    assertThat(e.kind()).isEqualTo(ShipException.Kind.CONFIG);
    assertThat(e.getMessage())
        .contains("refused RENDER_API_KEY (" + code + ")", "<renderApiKeyServerId>", "srv-abc");
  }

  @Test
  void a404NamesTheServiceIdElement() {
    server.enqueue(message(404, "not found"));
    ShipException e = failure(() -> client().deploy("srv-abc", IMAGE));
    assertThat(e.kind()).isEqualTo(ShipException.Kind.CONFIG);
    assertThat(e.getMessage())
        .contains(
            "Render knows no service srv-abc (404", "<renderServiceId> (ship.render.serviceId)");
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 422})
  void aRefusedImageCarriesRendersMessage(int code) {
    server.enqueue(message(code, "imageUrl must match the service's image docker.io/team/service"));
    ShipException e = failure(() -> client().deploy("srv-abc", IMAGE));
    assertThat(e.kind()).isEqualTo(ShipException.Kind.CONFIG);
    assertThat(e.getMessage())
        .contains("Render refused to deploy " + IMAGE + " to service srv-abc")
        .contains("(" + code + ": imageUrl must match the service's image docker.io/team/service)")
        .contains("must match the image in the service's settings");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void rendersMessageIsMaskedWhereItEchoesTheKey() {
    server.enqueue(message(400, "bad token " + API_KEY + "\\n in\\n  request"));
    assertThat(failure(() -> client().deploy("srv-abc", IMAGE)).getMessage())
        .contains("(400: bad token **** in request)");
  }

  @Test
  void anotherRefusalFailsWithRendersMessage() {
    server.enqueue(message(409, "service is suspended"));
    ShipException e = failure(() -> client().deploy("srv-abc", IMAGE));
    assertThat(e.kind()).isEqualTo(ShipException.Kind.RUNTIME);
    assertThat(e.getMessage()).contains("(409: service is suspended)");
  }

  @Test
  void withoutAKeyNothingIsSent() {
    RenderClient noKey = new RenderClient(http, server.url("/").uri(), null, time, time, log);
    ShipException e = failure(() -> noKey.deploy("srv-abc", IMAGE));
    assertThat(e.kind()).isEqualTo(ShipException.Kind.CONFIG);
    assertThat(e.getMessage()).contains("RENDER_API_KEY", "<renderApiKeyServerId>");
    assertThat(server.getRequestCount()).isZero();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "SRV-ABC123",
        "srv-",
        "srv-abc_1",
        "abc123",
        "srv-abc/deploys",
        "https://api.render.com/deploy/srv-abc?key=" + API_KEY,
        API_KEY
      })
  void aMalformedServiceIdIsOneConfigLineThatDoesNotEchoIt(String raw) {
    ShipException e = failure(() -> client().deploy(raw, IMAGE));
    assertThat(e.kind()).isEqualTo(ShipException.Kind.CONFIG);
    assertThat(e.getMessage())
        .contains("<renderServiceId> (ship.render.serviceId)", "srv-")
        .doesNotContain("\n");
    if (raw.length() > "srv-".length()) {
      assertThat(e.getMessage()).doesNotContain(raw.trim());
    }
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void serviceAndDeployIdsAreTrimmed() {
    assertThat(RenderClient.checkServiceId(" srv-d0abc123xyz \n")).isEqualTo("srv-d0abc123xyz");
    assertThat(RenderClient.checkDeployId(" dep-d0abc123 ", "<x>")).isEqualTo("dep-d0abc123");
    assertThatThrownBy(() -> RenderClient.checkDeployId("dep-ABC", "<deployId> (ship.x)"))
        .hasMessageStartingWith("<deployId> (ship.x) is not a Render deploy id")
        .hasMessageNotContaining("dep-ABC");
  }
}

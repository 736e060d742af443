package io.github.shipmaven.render;

import static io.github.shipmaven.render.RenderAnswers.deploy;
import static io.github.shipmaven.render.RenderAnswers.empty;
import static io.github.shipmaven.render.RenderAnswers.json;
import static io.github.shipmaven.render.RenderAnswers.list;
import static io.github.shipmaven.render.RenderAnswers.message;
import static io.github.shipmaven.render.RenderAnswers.sha;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.shipmaven.core.ShipException;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

class RenderRollbackTest extends RenderApiTestBase {

  static MockResponse created(String id, String sha) {
    return json(201, deploy(id, "created", sha, "2026-11-24T12:00:00Z"));
  }

  @Test
  void rollsBackToThePreviousLiveDeploy() throws Exception {
    server.enqueue(
        list(
            deploy("dep-3", "live", sha('c'), null),
            deploy("dep-2", "deactivated", sha('b'), null),
            deploy("dep-1", "deactivated", sha('a'), null)));
    server.enqueue(created("dep-4", sha('b')));

    RenderClient.Triggered triggered = client().rollback("srv-abc", null);

    assertThat(triggered.deployId()).isEqualTo("dep-4");
    assertThat(triggered.digest()).isEqualTo(sha('b'));
    assertThat(triggered.imageUrl()).isEqualTo("docker.io/team/app@" + sha('b'));
    RecordedRequest listed = server.takeRequest();
    assertThat(listed.getMethod()).isEqualTo("GET");
    assertThat(listed.getUrl().encodedPath()).isEqualTo("/v1/services/srv-abc/deploys");
    assertThat(listed.getUrl().queryParameterValues("status"))
        .containsExactly("live", "deactivated");
    assertThat(listed.getUrl().queryParameter("limit")).isEqualTo("20");
    RecordedRequest rollback = server.takeRequest();
    assertThat(rollback.getMethod()).isEqualTo("POST");
    assertThat(rollback.getUrl().encodedPath()).isEqualTo("/v1/services/srv-abc/rollback");
    assertThat(rollback.getHeaders().get("Authorization")).isEqualTo("Bearer " + API_KEY);
    assertThat(rollback.getBody().utf8()).isEqualTo("{\"deployId\":\"dep-2\"}");
    assertThat(log.lines)
        .contains(
            "INFO Rolling Render service srv-abc back to deploy dep-2 of docker.io/team/app@"
                + sha('b')
                + ": https://dashboard.render.com/web/srv-abc/deploys/dep-2");
  }

  @Test
  void passesOverWhatNeverWentLiveAndDeploysOfTheLiveImage() throws Exception {
    // As if Render ignored the status filter: every kind of deploy, newest first.
    server.enqueue(
        list(
            deploy("dep-7", "build_in_progress", sha('f'), null),
            deploy("dep-6", "live", sha('c'), null),
            deploy("dep-5", "update_failed", sha('e'), null),
            deploy("dep-4", "deactivated", sha('c'), null),
            deploy("dep-3", "canceled", sha('d'), null),
            deploy("dep-2", "deactivated", sha('a'), null),
            deploy("dep-1", "deactivated", sha('b'), null)));
    server.enqueue(created("dep-8", sha('a')));
    assertThat(client().rollback("srv-abc", null).digest()).isEqualTo(sha('a'));
    server.takeRequest();
    assertThat(server.takeRequest().getBody().utf8()).isEqualTo("{\"deployId\":\"dep-2\"}");
    assertThat(log.lines).anyMatch(l -> l.contains("Passing over Render deploy dep-4"));
  }

  @Test
  void aNamedDeployIsCheckedThenRolledBackTo() throws Exception {
    server.enqueue(json(200, deploy("dep-1", "deactivated", sha('a'), null)));
    server.enqueue(created("dep-9", sha('a')));
    RenderClient.Triggered triggered = client().rollback("srv-abc", " dep-1 ");
    assertThat(triggered.deployId()).isEqualTo("dep-9");
    assertThat(triggered.digest()).isEqualTo(sha('a'));
    assertThat(server.takeRequest().getUrl().encodedPath())
        .isEqualTo("/v1/services/srv-abc/deploys/dep-1");
    assertThat(server.takeRequest().getBody().utf8()).isEqualTo("{\"deployId\":\"dep-1\"}");
  }

  @Test
  void aNamedDeployThatNeverWentLiveIsRefusedBeforeRollingBack() {
    server.enqueue(json(200, deploy("dep-1", "build_failed", sha('a'), null)));
    ShipException e = failure(() -> client().rollback("srv-abc", "dep-1"));
    assertThat(e.kind()).isEqualTo(ShipException.Kind.CONFIG);
    assertThat(e.getMessage()).contains("dep-1", "is build_failed", "never went live");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aNamedDeployThatIsLiveIsNothingToRollBack() {
    server.enqueue(json(200, deploy("dep-1", "live", sha('a'), null)));
    assertThat(failure(() -> client().rollback("srv-abc", "dep-1")).getMessage())
        .contains("dep-1 is the live deploy of service srv-abc already");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void anUnknownNamedDeployNamesWhatToCheck() {
    server.enqueue(message(404, "not found"));
    ShipException e = failure(() -> client().rollback("srv-abc", "dep-nope"));
    assertThat(e.kind()).isEqualTo(ShipException.Kind.CONFIG);
    assertThat(e.getMessage())
        .contains("Render knows no deploy dep-nope of service srv-abc (404)")
        .contains("ship.render.deployId", "<renderServiceId> (ship.render.serviceId)");
  }

  @Test
  void aMalformedNamedDeployIdIsRefusedBeforeAnyCall() {
    ShipException e = failure(() -> client().rollback("srv-abc", "DEP-1/../x"));
    assertThat(e.getMessage()).contains("ship.render.deployId", "not a Render deploy id");
    assertThat(e.getMessage()).doesNotContain("DEP-1/../x");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void nothingToRollBackToIsOneConfigLine() {
    server.enqueue(
        list(
            deploy("dep-2", "live", sha('b'), null),
            deploy("dep-1", "deactivated", sha('b'), null)));
    ShipException e = failure(() -> client().rollback("srv-abc", null));
    assertThat(e.kind()).isEqualTo(ShipException.Kind.CONFIG);
    assertThat(e.getMessage())
        .startsWith("Nothing to roll back to: Render service srv-abc has no deploy before dep-2")
        .contains("https://dashboard.render.com/web/srv-abc", "ship.render.deployId")
        .doesNotContain("\n");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aServiceWithNoLiveDeployHasNothingToRollBackTo() {
    server.enqueue(list());
    assertThat(failure(() -> client().rollback("srv-abc", null)).getMessage())
        .contains("Render service srv-abc has no live deploy");
  }

  @Test
  void rollsBackThenFollowsTheNewDeployToLive() {
    server.enqueue(
        list(
            deploy("dep-2", "live", sha('b'), null),
            deploy("dep-1", "deactivated", sha('a'), null)));
    server.enqueue(created("dep-3", sha('a')));
    server.enqueue(json(200, deploy("dep-3", "update_in_progress", sha('a'), null)));
    server.enqueue(json(200, deploy("dep-3", "live", sha('a'), null)));
    RenderClient client = client();

    RenderClient.Deploy deploy =
        client.await(client.rollback("srv-abc", null), Duration.ofMinutes(5), POLL);

    assertThat(deploy.id()).isEqualTo("dep-3");
    assertThat(deploy.status()).isEqualTo("live");
    assertThat(log.lines)
        .contains("INFO Render deploy dep-3: update_in_progress", "INFO Render deploy dep-3: live");
    assertThat(time.sleeps).containsExactly(POLL);
  }

  @Test
  void aRollbackThatRunsAnotherImageFails() {
    server.enqueue(json(200, deploy("dep-1", "deactivated", sha('a'), null)));
    server.enqueue(created("dep-3", sha('a')));
    server.enqueue(json(200, deploy("dep-3", "live", sha('9'), null)));
    RenderClient client = client();
    RenderClient.Triggered triggered = client.rollback("srv-abc", "dep-1");
    assertThat(failure(() -> client.await(triggered, Duration.ofMinutes(5), POLL)).getMessage())
        .contains("dep-3 runs image " + sha('9'));
  }

  @Test
  void aRefusedRollbackCarriesRendersMessage() {
    server.enqueue(json(200, deploy("dep-1", "deactivated", sha('a'), null)));
    server.enqueue(message(400, "build for deploy dep-1 is no longer available"));
    ShipException e = failure(() -> client().rollback("srv-abc", "dep-1"));
    assertThat(e.kind()).isEqualTo(ShipException.Kind.CONFIG);
    assertThat(e.getMessage())
        .contains("Render refused to roll service srv-abc back to dep-1")
        .contains("(400: build for deploy dep-1 is no longer available)")
        .contains("last few deploys");
  }

  @Test
  void rateLimitsAndOutagesWhileReadingAndRollingBackAreRiddenOut() {
    server.enqueue(empty(503));
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Ratelimit-Reset", "3").build());
    server.enqueue(
        list(
            deploy("dep-2", "live", sha('b'), null),
            deploy("dep-1", "deactivated", sha('a'), null)));
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "9").build());
    server.enqueue(created("dep-3", sha('a')));
    assertThat(client().rollback("srv-abc", null).deployId()).isEqualTo("dep-3");
    assertThat(time.sleeps)
        .containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(9));
  }

  @Test
  void a500FromTheRollbackIsAnUnknownOutcome() {
    server.enqueue(json(200, deploy("dep-1", "deactivated", sha('a'), null)));
    server.enqueue(empty(500));
    assertThat(failure(() -> client().rollback("srv-abc", "dep-1")).getMessage())
        .contains("may or may not have been triggered", "https://dashboard.render.com/web/srv-abc");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void aRefusedKeyWhileReadingNamesWhereItComesFrom() {
    server.enqueue(message(401, "unauthorized"));
    ShipException e = failure(() -> client().rollback("srv-abc", null));
    assertThat(e.kind()).isEqualTo(ShipException.Kind.CONFIG);
    assertThat(e.getMessage()).contains("refused RENDER_API_KEY (401)", "<renderApiKeyServerId>");
  }
}

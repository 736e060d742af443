package io.github.shipmaven.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.shipmaven.it.RenderStandIn;
import io.github.shipmaven.it.RenderStandIn.Received;
import io.github.shipmaven.it.RenderStandIn.TriggerCall;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against the integration tests' stand-in: both must agree with Render's API. */
class RenderStandInTest {
  static final String HOOK_KEY = "standinHookKey1";
  static final String API_KEY = "rnd_standinApiKey2";
  static final String SERVICE = "srv-standin0";
  static final String REPOSITORY = "127.0.0.1:5000/team/app";
  static final String DIGEST = "sha256:" + "d".repeat(64);
  static final String IMAGE = REPOSITORY + "@" + DIGEST;
  static final Duration TIMEOUT = Duration.ofMinutes(5);
  static final Duration POLL = Duration.ofSeconds(1);

  final FakeTime time = new FakeTime();
  final RenderAnswers.AllLines log = new RenderAnswers.AllLines();
  RenderStandIn standIn;

  @BeforeEach
  void start() throws Exception {
    standIn =
        RenderStandIn.start(0, HOOK_KEY, API_KEY, List.of("created", "update_in_progress", "live"));
  }

  @AfterEach
  void stop() {
    RenderStandIn.stop(0);
    assertThat(standIn.requests()).noneMatch(r -> r.toString().contains(HOOK_KEY));
    assertThat(log.lines).noneMatch(l -> l.contains(API_KEY) || l.contains(HOOK_KEY));
  }

  RenderClient client(String apiKey) {
    return new RenderClient(
        RenderClient.Timeouts.DEFAULT,
        URI.create("http://127.0.0.1:" + standIn.port() + "/"),
        apiKey,
        time,
        time,
        log);
  }

  @Test
  void deploysThroughTheApiThenRollsBackToTheDeployItSuperseded() {
    standIn.seedHistory(SERVICE, REPOSITORY);
    RenderClient client = client(API_KEY);

    RenderClient.Triggered deployed = client.deploy(SERVICE, IMAGE);
    assertThat(deployed.deployId()).isEqualTo("dep-standin1");
    RenderClient.Deploy live = client.await(deployed, TIMEOUT, POLL);
    assertThat(live.status()).isEqualTo("live");
    assertThat(live.imageSha()).isEqualTo(DIGEST);

    // dep-live0 was live until dep-standin1 replaced it: it is the previous live deploy now.
    RenderClient.Triggered rolledBack = client.rollback(SERVICE, null);
    assertThat(rolledBack.digest()).isEqualTo("sha256:" + "4".repeat(64));
    RenderClient.Deploy back = client.await(rolledBack, TIMEOUT, POLL);
    assertThat(back.id()).isEqualTo("dep-standin2");
    assertThat(back.status()).isEqualTo("live");

    assertThat(standIn.calls()).containsExactly(new TriggerCall(SERVICE, IMAGE, true, 201));
    List<Received> requests = standIn.requests();
    assertThat(requests).allMatch(Received::keyValid);
    assertThat(requests)
        .filteredOn(r -> r.method().equals("POST"))
        .extracting(Received::path)
        .containsExactly(
            "/v1/services/" + SERVICE + "/deploys", "/v1/services/" + SERVICE + "/rollback");
    assertThat(requests)
        .filteredOn(r -> r.path().endsWith("/rollback"))
        .extracting(Received::body)
        .containsExactly("{\"deployId\":\"dep-live0\"}");
  }

  @Test
  void aNamedDeployFromTheSeededHistory() {
    standIn.seedHistory(SERVICE, REPOSITORY);
    RenderClient client = client(API_KEY);
    RenderClient.Triggered triggered = client.rollback(SERVICE, "dep-old0");
    assertThat(client.await(triggered, TIMEOUT, POLL).imageRef())
        .isEqualTo(REPOSITORY + "@sha256:" + "1".repeat(64));
    assertThatThrownBy(() -> client.rollback(SERVICE, "dep-failed0"))
        .hasMessageContaining("is update_failed");
  }

  @Test
  void withoutHistoryThereIsNothingToRollBackTo() {
    assertThatThrownBy(() -> client(API_KEY).rollback(SERVICE, null))
        .hasMessageContaining("Nothing to roll back to: Render service " + SERVICE);
  }

  @Test
  void aDeployAcceptedWithoutABodyIsFoundByItsDigest() {
    standIn.seedHistory(SERVICE, REPOSITORY).answerTriggersWith202();
    RenderClient client = client(API_KEY);
    RenderClient.Triggered triggered = client.deploy(SERVICE, IMAGE);
    assertThat(triggered.deployId()).isNull();
    assertThat(triggered.notBefore()).isNotNull();
    RenderClient.Deploy deploy = client.await(triggered, TIMEOUT, POLL);
    assertThat(deploy.id()).isEqualTo("dep-standin1");
    assertThat(deploy.status()).isEqualTo("live");
  }

  @Test
  void rateLimitedTriggersAreSentAgainAfterRetryAfter() {
    standIn.rateLimitFirst(2);
    assertThat(client(API_KEY).deploy(SERVICE, IMAGE).deployId()).isEqualTo("dep-standin1");
    assertThat(time.sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertThat(standIn.calls()).extracting(TriggerCall::code).containsExactly(429, 429, 201);
  }

  @Test
  void anImageOfAnotherRepositoryIsRefusedWithRendersMessage() {
    standIn.seedHistory(SERVICE, REPOSITORY);
    assertThatThrownBy(() -> client(API_KEY).deploy(SERVICE, "127.0.0.1:5000/team/other:1"))
        .hasMessageContaining("(400: imageUrl 127.0.0.1:5000/team/other:1 does not match")
        .hasMessageContaining("must match the image in the service's settings");
  }

  @Test
  void aWrongApiKeyIsRecordedAndRefused() {
    assertThatThrownBy(() -> client("rnd_wrong").deploy(SERVICE, IMAGE))
        .hasMessageContaining("refused RENDER_API_KEY (401)");
    assertThat(standIn.requests()).extracting(Received::keyValid).containsExactly(false);
    assertThat(standIn.calls()).containsExactly(new TriggerCall(SERVICE, IMAGE, false, 401));
  }

  @Test
  void theHookStillAnswersWithTheDeployAndKeepsNoKey() {
    DeployHook hook =
        DeployHook.parse(
            "http://127.0.0.1:" + standIn.port() + "/deploy/" + SERVICE + "?key=" + HOOK_KEY,
            "test");
    RenderClient client = client(API_KEY);
    String deployId = client.trigger(hook, IMAGE);
    assertThat(deployId).isEqualTo("dep-standin1");
    assertThat(client.await(SERVICE, deployId, DIGEST, TIMEOUT, POLL).status()).isEqualTo("live");
    assertThat(standIn.calls()).containsExactly(new TriggerCall(SERVICE, IMAGE, true, 200));
    assertThat(standIn.requests().get(0).query()).contains("key=****", "imgURL=" + IMAGE);
  }
}

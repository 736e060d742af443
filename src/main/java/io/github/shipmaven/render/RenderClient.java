package io.github.shipmaven.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.core.Sleeper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Triggers a Render deploy through its deploy hook and follows it through Render's API.
 *
 * <p>Render has no idempotency key, so a retried hook call could deploy twice: the hook is retried
 * only when the request never reached Render (DNS, connect, TLS handshake) or when Render says to
 * come back (429, 503). After a read timeout or another 5xx the outcome is unknown, and the build
 * fails saying so.
 */
public final class RenderClient {
  /** Render's dashboard, for links in the log and in image.json. */
  public static final String DASHBOARD = "https://dashboard.render.com";

  static final int HOOK_ATTEMPTS = 4;
  static final Duration MAX_RETRY_WAIT = Duration.ofSeconds(60);
  private static final Set<String> FAILED =
      Set.of("build_failed", "update_failed", "pre_deploy_failed", "canceled");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A deploy as Render reports it. {@code imageSha} is the digest Render resolved, if it says. */
  public record Deploy(String id, String status, String imageSha) {}

  private final OkHttpClient http;
  private final HttpUrl apiUrl;
  private final String apiKey;
  private final Clock clock;
  private final Sleeper sleeper;
  private final ShipLog log;

  /**
   * @param apiUrl Render's API root, {@code https://api.render.com} or a stand-in
   * @param apiKey the API key for following deploys; null when not waiting
   */
  public RenderClient(
      OkHttpClient http, HttpUrl apiUrl, String apiKey, Clock clock, Sleeper sleeper, ShipLog log) {
    // A transparently retried POST could deploy twice: retries are decided here, not by okhttp.
    this.http = http.newBuilder().retryOnConnectionFailure(false).build();
    this.apiUrl = apiUrl;
    this.apiKey = apiKey;
    this.clock = clock;
    this.sleeper = sleeper;
    this.log = log;
  }

  /** A client for {@code target}'s API, with a fresh HTTP client. */
  public static RenderClient forTarget(
      RenderTarget target, Clock clock, Sleeper sleeper, ShipLog log) {
    return new RenderClient(new OkHttpClient(), target.api(), target.apiKey(), clock, sleeper, log);
  }

  public static String dashboardUrl(String serviceId, String deployId) {
    return DASHBOARD + "/web/" + serviceId + (deployId == null ? "" : "/deploys/" + deployId);
  }

  /**
   * Calls the hook with {@code imgURL=imageUrl}.
   *
   * @return the new deploy's id, or null when Render accepted without naming it
   */
  public String trigger(DeployHook hook, String imageUrl) {
    Request request =
        new Request.Builder()
            .url(hook.withImage(imageUrl))
            .post(RequestBody.create(new byte[0]))
            .build();
    String where = "the deploy hook (" + hook.redacted() + ", service " + hook.serviceId() + ")";
    for (int attempt = 1; ; attempt++) {
      Duration wait;
      try (Response response = http.newCall(request).execute()) {
        int code = response.code();
        if (response.isSuccessful()) {
          return deployIdFrom(response.body().string());
        }
        if ((code == 429 || code == 503) && attempt < HOOK_ATTEMPTS) {
          wait = retryAfter(response, Duration.ofSeconds(1L << attempt));
          log.warn(
              "Render answered "
                  + code
                  + " to "
                  + where
                  + (code == 429 ? " (rate limit: 10 hook calls a minute a service)" : "")
                  + "; retrying in "
                  + wait.toSeconds()
                  + " s.");
        } else {
          throw hookFailure(hook, where, code);
        }
      } catch (UnknownHostException
          | ConnectException
          | NoRouteToHostException
          | SSLHandshakeException e) {
        // The request never reached Render: retrying cannot deploy twice.
        if (attempt >= HOOK_ATTEMPTS) {
          throw ShipException.failed(
              "Could not reach " + where + " after " + attempt + " attempts: " + e.getMessage());
        }
        wait = Duration.ofSeconds(1L << attempt);
        log.warn(
            "Could not reach "
                + where
                + " ("
                + e.getMessage()
                + "); retrying in "
                + wait.toSeconds()
                + " s.");
      } catch (IOException e) {
        throw ShipException.failed(
            (e instanceof InterruptedIOException ? "No answer in time from " : "Call to ")
                + where
                + (e instanceof InterruptedIOException ? "" : " broke off (" + e.getMessage() + ")")
                + ": the deploy may or may not have been triggered; check "
                + dashboardUrl(hook.serviceId(), null)
                + " before running again.");
      }
      pause(wait);
    }
  }

  private static ShipException hookFailure(DeployHook hook, String where, int code) {
    return switch (code) {
      case 401, 403 ->
          ShipException.config(
              "Render refused the key of "
                  + where
                  + " ("
                  + code
                  + "): copy the hook again from the service's settings into "
                  + hook.source()
                  + ".");
      case 404 ->
          ShipException.config(
              "Render knows no service for "
                  + where
                  + " (404): check the srv- id of the hook in "
                  + hook.source()
                  + ".");
      case 429 ->
          ShipException.failed(
              "Render kept answering 429 to "
                  + where
                  + ": deploy hooks are limited to 10 calls a minute a service; try again later.");
      default ->
          code >= 500
              ? ShipException.failed(
                  "Render answered "
                      + code
                      + " to "
                      + where
                      + ": the deploy may or may not have been triggered; check "
                      + dashboardUrl(hook.serviceId(), null)
                      + " before running again.")
              : ShipException.failed("Render answered " + code + " to " + where + ".");
    };
  }

  /**
   * Polls the deploy until it is live or failed, or the timeout passes.
   *
   * @param deployId the deploy to follow; null to find the newest deploy of {@code expectedDigest}
   * @param expectedDigest the pushed digest, a deploy of another image fails; null when deploying a
   *     tag
   */
  public Deploy await(
      String serviceId,
      String deployId,
      String expectedDigest,
      Duration timeout,
      Duration pollInterval) {
    if (apiKey == null || apiKey.isBlank()) {
      throw ShipException.config(
          "Waiting for the deploy needs RENDER_API_KEY: set it, or set <wait>false</wait>"
              + " (ship.render.wait).");
    }
    Instant deadline = clock.instant().plus(timeout);
    String lastStatus = "unknown";
    String id = deployId;
    while (true) {
      Duration wait = pollInterval;
      try {
        Poll poll = id == null ? findDeploy(serviceId, expectedDigest) : fetch(serviceId, id);
        if (poll.retryAfter() != null) {
          wait = poll.retryAfter().compareTo(pollInterval) > 0 ? poll.retryAfter() : pollInterval;
        }
        Deploy deploy = poll.deploy();
        if (deploy != null) {
          id = deploy.id();
          if (!deploy.status().equals(lastStatus)) {
            log.info("Render deploy " + id + ": " + deploy.status());
            lastStatus = deploy.status();
          }
          checkImage(deploy, expectedDigest, serviceId);
          if (deploy.status().equals("live")) {
            return deploy;
          }
          if (deploy.status().equals("deactivated")) {
            log.warn(
                "Render deploy "
                    + id
                    + " was deactivated: a newer deploy superseded it. Counted as success, since this"
                    + " image did go out; the newer deploy's build reports its own outcome.");
            return deploy;
          }
          if (FAILED.contains(deploy.status())) {
            throw ShipException.failed(
                "Render deploy "
                    + id
                    + " ended "
                    + deploy.status()
                    + ": see "
                    + dashboardUrl(serviceId, id));
          }
        }
      } catch (IOException e) {
        // Polling is a GET: safe to repeat until the deadline.
        log.debug("Polling Render failed (" + e.getMessage() + "); trying again.");
      }
      if (!clock.instant().plus(wait).isBefore(deadline)) {
        throw ShipException.failed(
            "Render deploy "
                + (id == null ? "of " + expectedDigest : id)
                + " was not live within "
                + timeout
                + " (last status: "
                + lastStatus
                + "): see "
                + dashboardUrl(serviceId, id)
                + "; raise <timeout> (ship.render.timeout) if it is just slow.");
      }
      pause(wait);
    }
  }

  private record Poll(Deploy deploy, Duration retryAfter) {}

  private Poll fetch(String serviceId, String deployId) throws IOException {
    HttpUrl url = deploys(serviceId).addPathSegment(deployId).build();
    try (Response response = http.newCall(api(url)).execute()) {
      Duration retry = apiProblem(response, serviceId);
      if (retry != null) {
        return new Poll(null, retry);
      }
      return new Poll(deploy(JSON.readTree(response.body().string())), null);
    }
  }

  /**
   * The hook answered without an id: the newest deploy of the pushed digest is ours (or, deploying
   * a tag, the newest deploy).
   */
  private Poll findDeploy(String serviceId, String expectedDigest) throws IOException {
    HttpUrl url = deploys(serviceId).addQueryParameter("limit", "10").build();
    try (Response response = http.newCall(api(url)).execute()) {
      Duration retry = apiProblem(response, serviceId);
      if (retry != null) {
        return new Poll(null, retry);
      }
      for (JsonNode item : JSON.readTree(response.body().string())) {
        Deploy deploy = deploy(item.has("deploy") ? item.get("deploy") : item);
        if (expectedDigest == null || expectedDigest.equals(deploy.imageSha())) {
          return new Poll(deploy, null);
        }
      }
      return new Poll(null, null);
    }
  }

  /** {@code /v1/services/{serviceId}/deploys} of the API. */
  private HttpUrl.Builder deploys(String serviceId) {
    return apiUrl
        .newBuilder()
        .addPathSegments("v1/services")
        .addPathSegment(serviceId)
        .addPathSegment("deploys");
  }

  private Request api(HttpUrl url) {
    return new Request.Builder()
        .url(url)
        .header("Authorization", "Bearer " + apiKey)
        .header("Accept", "application/json")
        .build();
  }

  /** Null when the answer is usable; a wait for 429/5xx; throws for what waiting cannot fix. */
  private Duration apiProblem(Response response, String serviceId) throws IOException {
    int code = response.code();
    if (response.isSuccessful()) {
      return null;
    }
    if (code == 429) {
      return retryAfter(response, Duration.ofSeconds(10));
    }
    if (code >= 500) {
      throw new IOException("Render API answered " + code);
    }
    if (code == 401 || code == 403) {
      throw ShipException.config(
          "Render's API refused RENDER_API_KEY ("
              + code
              + "): create a key under Account Settings > API Keys.");
    }
    throw ShipException.failed(
        "Render's API answered "
            + code
            + " for service "
            + serviceId
            + ": check the deploy hook's service.");
  }

  private void checkImage(Deploy deploy, String expectedDigest, String serviceId) {
    if (deploy.imageSha() != null
        && expectedDigest != null
        && !deploy.imageSha().equals(expectedDigest)) {
      throw ShipException.failed(
          "Render deploy "
              + deploy.id()
              + " runs image "
              + deploy.imageSha()
              + ", not the pushed "
              + expectedDigest
              + ": see "
              + dashboardUrl(serviceId, deploy.id()));
    }
  }

  private static Deploy deploy(JsonNode node) {
    JsonNode image = node.path("image");
    String sha = image.path("sha").isTextual() ? image.path("sha").asText() : null;
    return new Deploy(node.path("id").asText(null), node.path("status").asText("unknown"), sha);
  }

  private static String deployIdFrom(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      JsonNode root = JSON.readTree(body);
      JsonNode id = root.has("deploy") ? root.path("deploy").path("id") : root.path("id");
      return id.isTextual() ? id.asText() : null;
    } catch (IOException e) {
      return null; // accepted, but the body names no deploy: it is found through the API
    }
  }

  /** {@code Retry-After} or {@code Ratelimit-Reset} seconds, bounded; else {@code fallback}. */
  static Duration retryAfter(Response response, Duration fallback) {
    for (String header : new String[] {"Retry-After", "Ratelimit-Reset"}) {
      String value = response.header(header);
      if (value != null && value.trim().matches("[0-9]+")) {
        Duration d = Duration.ofSeconds(Long.parseLong(value.trim()));
        return d.compareTo(MAX_RETRY_WAIT) > 0 ? MAX_RETRY_WAIT : d;
      }
    }
    return fallback;
  }

  private void pause(Duration wait) {
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ShipException.failed("Interrupted while waiting for Render.", e);
    }
  }
}

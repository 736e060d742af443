package io.github.shipmaven.render;

import static io.github.shipmaven.render.RenderHttp.Json.JSON;
import static io.github.shipmaven.render.RenderHttp.inParentheses;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.core.Sleeper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Starts Render deploys, through a deploy hook or through Render's API (service id and API key),
 * rolls services back, and follows deploys until they are live. The retry rules (no idempotency
 * key: never send twice what may have started a deploy) are {@link RenderHttp}'s.
 */
public final class RenderClient {
  /** Render's dashboard, for links in the log and in image.json. */
  public static final String DASHBOARD = "https://dashboard.render.com";

  /** Deploys read when looking one up: Render's default page size. */
  static final int RECENT_DEPLOYS = 20;

  /** Each bounds one step of a call (okhttp's defaults, kept), never the whole call. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  /**
   * The bounds of every call: connecting (DNS, TCP, TLS), each read, and the whole call.
   *
   * @param connect how long connecting may take
   * @param read how long one read may wait
   * @param call how long one call may take, connecting to the last byte of the answer
   */
  public record Timeouts(Duration connect, Duration read, Duration call) {
    /** {@link #CONNECT_TIMEOUT}, {@link #READ_TIMEOUT}, {@link RenderHttp#CALL_TIMEOUT}. */
    public static final Timeouts DEFAULT =
        new Timeouts(CONNECT_TIMEOUT, READ_TIMEOUT, RenderHttp.CALL_TIMEOUT);
  }

  private static final Pattern SERVICE_ID = Pattern.compile("srv-[a-z0-9]+");
  private static final Pattern DEPLOY_ID = Pattern.compile("dep-[a-z0-9]+");
  private static final Set<String> FAILED =
      Set.of("build_failed", "update_failed", "pre_deploy_failed", "canceled");

  /**
   * A deploy as Render reports it. {@code imageSha} is the digest Render resolved and {@code
   * imageRef} the reference it was given, when the deploy is of an image; {@code createdAt} when
   * Render says.
   */
  public record Deploy(
      String id, String status, String imageSha, String imageRef, Instant createdAt) {}

  /**
   * A deploy Render was asked to start. {@code deployId} is null when Render accepted without
   * naming it; {@link #await(Triggered, Duration, Duration)} then finds it among the service's
   * recent deploys by its image ({@code digest}, else {@code imageUrl}) created no earlier than
   * {@code notBefore} (null: no such bound), and checks that it runs {@code digest}.
   */
  public record Triggered(
      String serviceId,
      @Nullable String deployId,
      String imageUrl,
      @Nullable String digest,
      @Nullable Instant notBefore) {}

  private final RenderHttp http;
  private final Clock clock;
  private final ShipLog log;

  /**
   * @param apiUrl Render's API root, {@code https://api.render.com} or a stand-in
   * @param apiKey the API key; null when only a hook is called
   */
  public RenderClient(
      Timeouts timeouts,
      URI apiUrl,
      @Nullable String apiKey,
      Clock clock,
      Sleeper sleeper,
      ShipLog log) {
    this.http = new RenderHttp(timeouts, apiUrl, apiKey, sleeper, log);
    this.clock = clock;
    this.log = log;
  }

  /**
   * A client for {@code target}'s API. It holds no connection: the JDK's HTTP client opens one per
   * call (reusing kept-alive ones), and sets TLS up only when a call is https.
   */
  public static RenderClient forTarget(
      RenderTarget target, Clock clock, Sleeper sleeper, ShipLog log) {
    return new RenderClient(Timeouts.DEFAULT, target.api(), target.apiKey(), clock, sleeper, log);
  }

  public static String dashboardUrl(String serviceId, String deployId) {
    return DASHBOARD + "/web/" + serviceId + (deployId == null ? "" : "/deploys/" + deployId);
  }

  /**
   * Validates a service id: {@code srv-} and lowercase letters and digits, as Render makes them.
   * The value is never shown: a key pasted into the wrong place must not reach the log.
   *
   * @return the id, trimmed
   */
  public static String checkServiceId(String raw) {
    String id = raw == null ? "" : raw.trim();
    if (!SERVICE_ID.matcher(id).matches()) {
      throw ShipException.config(
          "<renderServiceId> (ship.render.serviceId) is "
              + (id.isEmpty() ? "empty" : "not a Render service id (value not shown)")
              + ": set it to the srv-… part of the service's dashboard URL, srv- followed by"
              + " lowercase letters and digits.");
    }
    return id;
  }

  /**
   * Validates a deploy id: {@code dep-} and lowercase letters and digits. The value is never shown.
   *
   * @param element the POM element or property, for the message
   * @return the id, trimmed
   */
  public static String checkDeployId(String raw, String element) {
    String id = raw == null ? "" : raw.trim();
    if (!DEPLOY_ID.matcher(id).matches()) {
      throw ShipException.config(
          element
              + " is not a Render deploy id (value not shown): set it to a dep-… id from the"
              + " service's Events page, dep- followed by lowercase letters and digits.");
    }
    return id;
  }

  // --- starting deploys ---------------------------------------------------------------------

  /**
   * Calls the hook with {@code imgURL=imageUrl}.
   *
   * @return the new deploy's id, or null when Render accepted without naming it
   */
  public @Nullable String trigger(DeployHook hook, String imageUrl) {
    return deploy(hook, imageUrl).deployId();
  }

  /** Calls the hook with {@code imgURL=imageUrl}: Render deploys exactly that image. */
  public Triggered deploy(DeployHook hook, String imageUrl) {
    http.addSecret(hook.key());
    http.addSecret(hook.rawKey());
    RenderHttp.Request request = RenderHttp.hookPost(hook.withImage(imageUrl));
    String where = "the deploy hook (" + hook.redacted() + ", service " + hook.serviceId() + ")";
    RenderHttp.Answer answer =
        http.start(
            request,
            where,
            hook.serviceId(),
            (code, message) -> hookRefusal(hook, where, code, message));
    return new Triggered(
        hook.serviceId(),
        deployId(answer.body()),
        imageUrl,
        digestOf(imageUrl),
        answer.notBefore());
  }

  /**
   * Starts a deploy of {@code imageUrl} through Render's API ({@code POST
   * /v1/services/{serviceId}/deploys}). Everything but its tag or digest must match the service's
   * image.
   */
  public Triggered deploy(String serviceId, String imageUrl) {
    String service = checkServiceId(serviceId);
    requireApiKey("Deploying through Render's API (<renderServiceId>)", "");
    RenderHttp.Request request =
        http.apiPost(
            http.service(service, null, "deploys"),
            JSON.createObjectNode().put("imageUrl", imageUrl).put("clearCache", "do_not_clear"));
    RenderHttp.Answer answer =
        http.start(
            request,
            "Render's API (deploy of service " + service + ")",
            service,
            (code, message) ->
                apiRefusal(
                    code,
                    message,
                    service,
                    "Render knows no service " + service,
                    "Render refused to deploy " + imageUrl + " to service " + service,
                    "the image's host, repository and name must match the image in the service's"
                        + " settings"));
    return new Triggered(
        service, deployId(answer.body()), imageUrl, digestOf(imageUrl), answer.notBefore());
  }

  /**
   * Rolls the service back ({@code POST /v1/services/{serviceId}/rollback}): to {@code
   * deployIdOrNull}, or when that is null or blank to the previous live deploy, the newest {@code
   * deactivated} deploy before the {@code live} one that ran another image. Render reuses that
   * deploy's build in a new deploy; follow it with {@link #await(Triggered, Duration, Duration)},
   * which checks it runs the target's image.
   */
  public Triggered rollback(String serviceId, String deployIdOrNull) {
    String service = checkServiceId(serviceId);
    requireApiKey("Rolling back", "");
    Deploy target =
        deployIdOrNull == null || deployIdOrNull.isBlank()
            ? previousLive(service)
            : namedTarget(
                service,
                checkDeployId(deployIdOrNull, "The deploy to roll back to (ship.render.deployId)"));
    log.info(
        "Rolling Render service "
            + service
            + " back to deploy "
            + target.id()
            + (target.imageRef() != null ? " of " + target.imageRef() : "")
            + ": "
            + dashboardUrl(service, target.id()));
    RenderHttp.Request request =
        http.apiPost(
            http.service(service, null, "rollback"),
            JSON.createObjectNode().put("deployId", target.id()));
    RenderHttp.Answer answer =
        http.start(
            request,
            "Render's API (rollback of service " + service + " to " + target.id() + ")",
            service,
            (code, message) ->
                apiRefusal(
                    code,
                    message,
                    service,
                    "Render knows no service " + service + " with deploy " + target.id(),
                    "Render refused to roll service " + service + " back to " + target.id(),
                    "Render keeps the builds of only the last few deploys (by plan); name a newer"
                        + " one with ship.render.deployId"));
    return new Triggered(
        service, deployId(answer.body()), target.imageRef(), target.imageSha(), answer.notBefore());
  }

  /**
   * The previous live deploy. What went live is {@code live} (the current deploy) or {@code
   * deactivated} (superseded by a newer live one); failed and canceled deploys never did. Render is
   * asked for those two statuses, and the statuses are checked here too.
   */
  private Deploy previousLive(String service) {
    URI url =
        http.service(service, "status=live&status=deactivated&limit=" + RECENT_DEPLOYS, "deploys");
    JsonNode list = http.get(url, service, "the deploys of service " + service);
    if (list == null) {
      throw ShipException.config(
          "Render knows no service "
              + service
              + " (404): check <renderServiceId> (ship.render.serviceId).");
    }
    Deploy live = null;
    for (Deploy deploy : deploysIn(list)) {
      if (live == null) {
        live = deploy.status().equals("live") ? deploy : null;
      } else if (deploy.status().equals("deactivated")) {
        if (deploy.imageSha() == null || !deploy.imageSha().equals(live.imageSha())) {
          return deploy;
        }
        log.info(
            "Passing over Render deploy "
                + deploy.id()
                + ": it ran the image live now ("
                + live.imageSha()
                + ").");
      }
    }
    throw ShipException.config(
        "Nothing to roll back to: Render service "
            + service
            + (live == null
                ? " has no live deploy"
                : " has no deploy before " + live.id() + " that went live with another image")
            + " among its last "
            + RECENT_DEPLOYS
            + " (see "
            + dashboardUrl(service, null)
            + "); name one with ship.render.deployId.");
  }

  /** A deploy named to roll back to: it must have gone live, and not be the live one. */
  private Deploy namedTarget(String service, String deployId) {
    JsonNode node =
        http.get(
            http.service(service, null, "deploys", deployId),
            service,
            "deploy " + deployId + " of service " + service);
    if (node == null) {
      throw ShipException.config(
          "Render knows no deploy "
              + deployId
              + " of service "
              + service
              + " (404): check ship.render.deployId and <renderServiceId> (ship.render.serviceId)"
              + " against "
              + dashboardUrl(service, null)
              + ".");
    }
    Deploy target = deploy(node);
    if (target.status().equals("live")) {
      throw ShipException.config(
          "Render deploy "
              + deployId
              + " is the live deploy of service "
              + service
              + " already: nothing to roll back; name an earlier deploy with ship.render.deployId,"
              + " or leave it unset for the previous live one.");
    }
    if (!target.status().equals("deactivated")) {
      throw ShipException.config(
          "Render deploy "
              + deployId
              + " of service "
              + service
              + " is "
              + target.status()
              + ": it never went live, and Render rolls back only to a deploy that did; name one"
              + " marked deactivated at "
              + dashboardUrl(service, null)
              + " with ship.render.deployId.");
    }
    return target;
  }

  private static ShipException hookRefusal(
      DeployHook hook, String where, int code, String message) {
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
      default ->
          ShipException.failed(
              "Render answered " + code + inParentheses(message) + " to " + where + ".");
    };
  }

  private static ShipException apiRefusal(
      int code,
      String message,
      String service,
      String notFound,
      String refused,
      String refusedHint) {
    String detail = " (" + code + (message == null ? "" : ": " + message) + ")";
    return switch (code) {
      case 401, 403 -> RenderHttp.keyRefused(code, service);
      case 404 ->
          ShipException.config(
              notFound
                  + detail
                  + ": check <renderServiceId> (ship.render.serviceId), the srv-… part of the"
                  + " service's dashboard URL.");
      case 400, 422 -> ShipException.config(refused + detail + ": " + refusedHint + ".");
      default -> ShipException.failed(refused + detail + ".");
    };
  }

  /**
   * @param orElse another fix than setting the key, or ""
   */
  private void requireApiKey(String what, String orElse) {
    if (!http.hasApiKey()) {
      throw ShipException.config(
          what + " needs " + RenderHttp.KEY_SOURCES + ": set it" + orElse + ".");
    }
  }

  // --- following deploys --------------------------------------------------------------------

  /**
   * Polls the deploy until it is live or failed, or the timeout passes.
   *
   * @param deployId the deploy to follow; null to find the newest deploy of {@code expectedDigest}
   * @param expectedDigest the pushed digest, a deploy of another image fails; null when deploying a
   *     tag
   */
  public Deploy await(
      String serviceId,
      @Nullable String deployId,
      @Nullable String expectedDigest,
      Duration timeout,
      Duration pollInterval) {
    return await(
        new Triggered(serviceId, deployId, null, expectedDigest, null), timeout, pollInterval);
  }

  /**
   * Polls a started deploy until it is live or failed, or the timeout passes. {@code live} is
   * success; so is {@code deactivated} (a newer deploy superseded it after it went out), with a
   * warning.
   */
  public Deploy await(Triggered triggered, Duration timeout, Duration pollInterval) {
    requireApiKey("Waiting for the deploy", ", or set <wait>false</wait> (ship.render.wait)");
    String serviceId = triggered.serviceId();
    String expectedDigest = triggered.digest();
    Instant deadline = clock.instant().plus(timeout);
    String lastStatus = "unknown";
    String id = triggered.deployId();
    while (true) {
      Duration wait = pollInterval;
      // A poll never runs past the deadline, however slowly its answer comes in.
      Duration left = Duration.between(clock.instant(), deadline);
      try {
        if (left.isNegative() || left.isZero()) {
          throw new InterruptedIOException("no time left for another poll");
        }
        Poll poll = id == null ? findDeploy(triggered, left) : fetch(serviceId, id, left);
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
        log.debug("Polling Render failed (" + http.redact(e.getMessage()) + "); trying again.");
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
      http.pause(wait);
    }
  }

  private record Poll(Deploy deploy, Duration retryAfter) {}

  private Poll fetch(String serviceId, String deployId, Duration budget) throws IOException {
    URI url = http.service(serviceId, null, "deploys", deployId);
    RenderHttp.Reply response = http.execute(http.api(url), budget);
    Duration retry = pollProblem(response, serviceId);
    if (retry != null) {
      return new Poll(null, retry);
    }
    return new Poll(deploy(JSON.readTree(response.body())), null);
  }

  /**
   * Render accepted without naming the deploy: it is the newest recent deploy of the image created
   * by that call. Not {@code ?status=queued&limit=1} as Render's CLI does: an image deploy can
   * leave {@code queued} before the first look, and another queued deploy of the service would be
   * taken for this one.
   */
  private Poll findDeploy(Triggered triggered, Duration budget) throws IOException {
    URI url = http.service(triggered.serviceId(), "limit=" + RECENT_DEPLOYS, "deploys");
    RenderHttp.Reply response = http.execute(http.api(url), budget);
    Duration retry = pollProblem(response, triggered.serviceId());
    if (retry != null) {
      return new Poll(null, retry);
    }
    for (Deploy deploy : deploysIn(JSON.readTree(response.body()))) {
      if (startedBy(deploy, triggered)) {
        return new Poll(deploy, null);
      }
    }
    return new Poll(null, null);
  }

  private static boolean startedBy(Deploy deploy, Triggered triggered) {
    if (triggered.notBefore() != null
        && deploy.createdAt() != null
        && deploy.createdAt().isBefore(triggered.notBefore())) {
      return false;
    }
    if (triggered.digest() != null) {
      return triggered.digest().equals(deploy.imageSha())
          || (deploy.imageRef() != null && deploy.imageRef().endsWith("@" + triggered.digest()));
    }
    return triggered.imageUrl() == null || triggered.imageUrl().equals(deploy.imageRef());
  }

  /** Null when the answer is usable; a wait for 429; IOException (poll again) for 5xx. */
  private Duration pollProblem(RenderHttp.Reply response, String serviceId) throws IOException {
    int code = response.code();
    if (response.isSuccessful()) {
      return null;
    }
    if (code == 429) {
      return RenderHttp.retryAfter(response, Duration.ofSeconds(10));
    }
    if (code >= 500) {
      throw new IOException("Render API answered " + code);
    }
    if (code == 401 || code == 403) {
      throw RenderHttp.keyRefused(code, serviceId);
    }
    throw ShipException.failed(
        "Render's API answered "
            + code
            + inParentheses(http.renderMessage(response))
            + " for service "
            + serviceId
            + ": check the service id (the hook's srv-… part, or <renderServiceId>"
            + " (ship.render.serviceId)).");
  }

  private static void checkImage(Deploy deploy, String expectedDigest, String serviceId) {
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

  // --- Render's JSON ------------------------------------------------------------------------

  private static Deploy deploy(JsonNode node) {
    JsonNode image = node.path("image");
    return new Deploy(
        node.path("id").asText(null),
        node.path("status").asText("unknown"),
        image.path("sha").isTextual() ? image.path("sha").asText() : null,
        image.path("ref").isTextual() ? image.path("ref").asText() : null,
        instant(node.path("createdAt").asText(null)));
  }

  /** A deploy list, {@code [{"deploy": {…}, "cursor": …}, …]}, newest first as Render sends it. */
  private static List<Deploy> deploysIn(JsonNode list) {
    List<Deploy> deploys = new ArrayList<>();
    for (JsonNode item : list) {
      deploys.add(deploy(item.has("deploy") ? item.get("deploy") : item));
    }
    return deploys;
  }

  /**
   * The deploy id in a success body ({@code {"id"}}, or the hook's {@code {"deploy":{"id"}}}).
   * Streamed with jackson-core: on the hook's path nothing else needs jackson-databind.
   */
  static String deployId(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try (JsonParser parser = RenderHttp.JSON_STREAMS.createParser(body)) {
      return parser.nextToken() == JsonToken.START_OBJECT ? idIn(parser, true) : null;
    } catch (IOException e) {
      return null; // accepted, but the body names no deploy: it is found through the API
    }
  }

  /**
   * The text {@code id} of the object whose start the parser is at, read to its end; at the top, a
   * {@code deploy} field, when there is one, names the id instead (its object's {@code id}).
   */
  private static String idIn(JsonParser parser, boolean top) throws IOException {
    String id = null;
    String deployId = null;
    boolean hasDeploy = false;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if (top && name.equals("deploy")) {
        hasDeploy = true;
        deployId = value == JsonToken.START_OBJECT ? idIn(parser, false) : null;
      } else if (name.equals("id")) {
        id = value == JsonToken.VALUE_STRING ? parser.getText() : null;
      }
      parser.skipChildren();
    }
    return hasDeploy ? deployId : id;
  }

  /** The digest of {@code repository@sha256:…}; null for a tag. */
  private static @Nullable String digestOf(String imageUrl) {
    int at = imageUrl == null ? -1 : imageUrl.lastIndexOf('@');
    return at < 0 ? null : imageUrl.substring(at + 1);
  }

  private static Instant instant(String text) {
    try {
      return text == null ? null : OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}

package io.github.shipmaven.render;

import static io.github.shipmaven.render.RenderHttp.Json.JSON;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.shipmaven.core.Secrets;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.core.Sleeper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Calls to Render and their retry rules, shared by the hook and the API.
 *
 * <p>Render has no idempotency key, so a repeated call that starts a deploy could deploy twice.
 * Such calls ({@link #start}) are sent again only when nothing of them reached Render (DNS,
 * connect, TLS: the request headers were never written) or when Render said to come back (429,
 * 503), at most {@link #ATTEMPTS} times. After a read timeout or another 5xx the outcome is
 * unknown, and the build fails saying so. Reads ({@link #get}) start nothing and are retried on any
 * transient failure.
 */
final class RenderHttp {
  static final int ATTEMPTS = 4;
  static final Duration MAX_RETRY_WAIT = Duration.ofSeconds(60);

  /**
   * How long one call may take as a whole, connecting to the last byte of the answer: the connect,
   * read and write timeouts bound each step, but a body that trickles in a byte at a time passes
   * every read timeout. A client given with a call timeout of its own keeps it.
   */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

  /**
   * A deploy found by its image is the one a call started only if Render created it no earlier than
   * this before Render answered that call (Render's Date header, whole seconds, less the call's
   * duration): an older deploy of the same image is a previous run's.
   */
  static final Duration CREATED_SLACK = Duration.ofSeconds(10);

  /** Reads the hook's answer: jackson-core alone, see {@link RenderClient#deployId}. */
  static final JsonFactory JSON_STREAMS = new JsonFactory();

  private static final MediaType JSON_BODY = MediaType.get("application/json");

  /** Where the API key may come from, for messages. */
  static final String KEY_SOURCES =
      "RENDER_API_KEY (or the settings.xml server named by <renderApiKeyServerId>,"
          + " ship.render.apiKeyServerId)";

  /**
   * Jackson's tree mapper for the API's JSON, made on first use: a deploy through the hook never
   * uses it, and jackson-databind's ~300 classes cost a fresh JVM ~0.1 s of CPU.
   */
  static final class Json {
    static final ObjectMapper JSON = new ObjectMapper();

    private Json() {}
  }

  /** What Render said no to: a 4xx other than 429, with Render's own message, or null. */
  @FunctionalInterface
  interface Refusal {
    ShipException of(int code, String renderMessage);
  }

  /**
   * A successful answer to a call that starts a deploy; {@code notBefore} is the earliest creation
   * time of a deploy it started, by Render's clock, or null.
   */
  record Answer(String body, Instant notBefore) {}

  private final OkHttpClient http;
  private final HttpUrl apiUrl;
  private final String apiKey;
  private final Sleeper sleeper;
  private final ShipLog log;
  private final Secrets secrets = new Secrets();

  RenderHttp(OkHttpClient http, HttpUrl apiUrl, String apiKey, Sleeper sleeper, ShipLog log) {
    // A transparently retried POST could deploy twice: retries are decided here, not by okhttp,
    // and the listener records whether a request's headers were ever written.
    OkHttpClient.Builder builder =
        http.newBuilder()
            .retryOnConnectionFailure(false)
            .eventListenerFactory(call -> new SentListener());
    if (http.callTimeoutMillis() == 0) {
      builder.callTimeout(CALL_TIMEOUT);
    }
    this.http = builder.build();
    this.apiUrl = apiUrl;
    this.apiKey = apiKey;
    this.sleeper = sleeper;
    this.log = log;
    addSecret(apiKey);
  }

  boolean hasApiKey() {
    return apiKey != null && !apiKey.isBlank();
  }

  /** A key to mask in every message: the API key is registered already, hook keys when used. */
  void addSecret(String secret) {
    secrets.add(secret);
  }

  /** {@code /v1/services/{serviceId}} of the API. */
  HttpUrl.Builder service(String serviceId) {
    return apiUrl.newBuilder().addPathSegments("v1/services").addPathSegment(serviceId);
  }

  /** A GET of the API. */
  Request api(HttpUrl url) {
    return new Request.Builder()
        .url(url)
        .header("Authorization", "Bearer " + apiKey)
        .header("Accept", "application/json")
        .build();
  }

  /** A POST of {@code body} to the API. */
  Request apiPost(HttpUrl url, JsonNode body) {
    return api(url).newBuilder().post(RequestBody.create(body.toString(), JSON_BODY)).build();
  }

  /**
   * One call, no retries: for polls, which their caller repeats. It ends, answer read or not,
   * within {@code budget} (what is left of the wait) or the call timeout, whichever is shorter.
   */
  Response execute(Request request, Duration budget) throws IOException {
    Call call = http.newCall(request);
    long millis = Math.max(1, Math.min(http.callTimeoutMillis(), budget.toMillis()));
    call.timeout().timeout(millis, TimeUnit.MILLISECONDS);
    return call.execute();
  }

  /**
   * Sends a request that starts a deploy, sending it again only when nothing of it reached Render
   * or Render answered 429/503 (it started nothing).
   *
   * @param where what is called, for messages; never a secret
   */
  Answer start(Request request, String where, String serviceId, Refusal refusal) {
    for (int attempt = 1; ; attempt++) {
      Sent sent = new Sent();
      Duration wait;
      try (Response response =
          http.newCall(request.newBuilder().tag(Sent.class, sent).build()).execute()) {
        int code = response.code();
        if (response.isSuccessful()) {
          return new Answer(response.body().string(), notBefore(response));
        }
        if ((code == 429 || code == 503) && attempt < ATTEMPTS) {
          wait = retryAfter(response, backoff(attempt));
          log.warn(
              "Render answered "
                  + code
                  + " to "
                  + where
                  + (code == 429 ? " (rate limit: 10 deploys a minute a service)" : "")
                  + "; retrying in "
                  + wait.toSeconds()
                  + " s.");
        } else if (code == 429) {
          throw ShipException.failed(
              "Render kept answering 429 to "
                  + where
                  + ": Render starts at most 10 deploys a minute a service; try again later.");
        } else if (code >= 500) {
          throw outcomeUnknown("Render answered " + code + " to " + where, serviceId);
        } else {
          throw refusal.of(code, renderMessage(response));
        }
      } catch (IOException e) {
        if (sent.headersStarted) {
          throw outcomeUnknown(
              e instanceof InterruptedIOException
                  ? "No answer in time from " + where
                  : "Call to " + where + " broke off (" + redact(e.getMessage()) + ")",
              serviceId);
        }
        // Nothing of the request was written: sending it again cannot deploy twice.
        if (attempt >= ATTEMPTS) {
          throw ShipException.failed(
              "Could not reach "
                  + where
                  + " after "
                  + attempt
                  + " attempts: "
                  + redact(e.getMessage()));
        }
        wait = backoff(attempt);
        log.warn(
            "Could not reach "
                + where
                + " ("
                + redact(e.getMessage())
                + "); retrying in "
                + wait.toSeconds()
                + " s.");
      }
      pause(wait);
    }
  }

  /**
   * A GET of the API, retried on 429, 5xx and I/O failures at most {@link #ATTEMPTS} times.
   *
   * @param what what is read, for messages
   * @return the JSON answer, or null for 404
   */
  @Nullable JsonNode get(HttpUrl url, String serviceId, String what) {
    for (int attempt = 1; ; attempt++) {
      Duration wait = backoff(attempt);
      String problem;
      try (Response response = http.newCall(api(url)).execute()) {
        int code = response.code();
        if (code == 404) {
          return null;
        }
        if (response.isSuccessful()) {
          return JSON.readTree(response.body().string());
        }
        if (code == 401 || code == 403) {
          throw keyRefused(code, serviceId);
        }
        if (code != 429 && code < 500) {
          throw ShipException.failed(
              "Render's API answered "
                  + code
                  + inParentheses(renderMessage(response))
                  + " reading "
                  + what
                  + ".");
        }
        wait = retryAfter(response, wait);
        problem = "answered " + code;
      } catch (IOException e) {
        problem = redact(e.getMessage());
      }
      if (attempt >= ATTEMPTS) {
        throw ShipException.failed(
            "Could not read "
                + what
                + " from Render's API after "
                + attempt
                + " attempts ("
                + problem
                + "); try again later.");
      }
      log.warn(
          "Reading "
              + what
              + " from Render's API failed ("
              + problem
              + "); retrying in "
              + wait.toSeconds()
              + " s.");
      pause(wait);
    }
  }

  static ShipException outcomeUnknown(String what, String serviceId) {
    return ShipException.failed(
        what
            + ": the deploy may or may not have been triggered; check "
            + RenderClient.dashboardUrl(serviceId, null)
            + " before running again.");
  }

  static ShipException keyRefused(int code, String serviceId) {
    return ShipException.config(
        "Render's API refused RENDER_API_KEY ("
            + code
            + ") for service "
            + serviceId
            + ": set "
            + KEY_SOURCES
            + " to an API key of the workspace that owns the service (Account Settings > API"
            + " Keys).");
  }

  /** Render's {@code message} in an error answer: one line, shortened, secrets masked; or null. */
  @Nullable String renderMessage(Response response) {
    try {
      JsonNode message = JSON.readTree(response.body().string()).path("message");
      if (!message.isTextual() || message.asText().isBlank()) {
        return null;
      }
      String text = message.asText().replaceAll("\\s+", " ").trim();
      return redact(text.length() > 300 ? text.substring(0, 300) + "…" : text);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  static String inParentheses(String message) {
    return message == null ? "" : " (" + message + ")";
  }

  /** {@code text} with the API key and hook keys masked. */
  String redact(String text) {
    return text == null ? "" : secrets.redact(text);
  }

  /**
   * The earliest creation time of a deploy this answer's call started, by Render's clock: its Date
   * header less the call's duration and {@link #CREATED_SLACK}. Null without a Date header.
   */
  private static Instant notBefore(Response response) {
    Date date = response.headers().getDate("Date");
    if (date == null) {
      return null;
    }
    long took = Math.max(0, response.receivedResponseAtMillis() - response.sentRequestAtMillis());
    return date.toInstant().minusMillis(took).minus(CREATED_SLACK);
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

  private static Duration backoff(int attempt) {
    return Duration.ofSeconds(1L << attempt);
  }

  void pause(Duration wait) {
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ShipException.failed("Interrupted while waiting for Render.", e);
    }
  }

  /** Whether a call's request headers were ever written: if not, Render saw nothing of it. */
  private static final class Sent {
    volatile boolean headersStarted;
  }

  private static final class SentListener extends EventListener {
    @Override
    public void requestHeadersStart(Call call) {
      Sent sent = call.request().tag(Sent.class);
      if (sent != null) {
        sent.headersStarted = true;
      }
    }
  }
}

package io.github.shipmaven.render;

import static io.github.shipmaven.render.RenderHttp.Json.JSON;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.shipmaven.core.Secrets;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.core.Sleeper;
import io.github.shipmaven.image.Hosts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * Calls to Render and their retry rules, shared by the hook and the API, on the JDK's {@link
 * HttpURLConnection}: its classes are the JDK's own, where okhttp's client loaded ~160 classes of
 * okhttp and Kotlin from the plugin's jar into a cold {@code ship:deploy} (bench/README.md, "Deploy
 * step").
 *
 * <p>Render has no idempotency key, so a repeated call that starts a deploy could deploy twice.
 * Such calls ({@link #start}) are sent again only when nothing of them reached Render (DNS,
 * connect, TLS: {@link HttpURLConnection#connect()} failed, before anything of the request was
 * written) or when Render said to come back (429, 503), at most {@link #ATTEMPTS} times. After a
 * read timeout or another 5xx the outcome is unknown, and the build fails saying so. Reads ({@link
 * #get}) start nothing and are retried on any transient failure.
 *
 * <p>The JDK resends a request on its own in two places; neither can send a POST twice here:
 *
 * <ul>
 *   <li>{@code sun.net.www.http.HttpClient.parseHTTP} and {@code parseHTTPHeader} ("try once more"
 *       when the answer's first bytes fail) skip the resend when the request is {@code streaming}:
 *       every POST here is in fixed-length streaming mode, the empty hook POST included, which also
 *       makes the {@code sun.net.http.retryPost} property irrelevant. (JDK 17's {@code
 *       HttpClient.New} also checks a kept-alive connection with {@code available()} before a
 *       streaming POST uses it, so a POST does not meet a connection the server already closed.)
 *   <li>{@code sun.net.www.protocol.http.HttpURLConnection.writeRequests} writes the request line
 *       and headers (in streaming mode nothing of the body: the body is written afterwards through
 *       {@code getOutputStream()}) and, if that write failed ({@code ps.checkError()}), writes them
 *       once more on a new connection. The first attempt never reached Render as a request: its
 *       head did not get out whole (the bytes of a failed socket write, or of a TLS record cut
 *       short, are not delivered as a request) and its body was not written at all, so Render had
 *       no complete request to act on; only the second can start a deploy. Either way such a
 *       failure happens after {@link HttpURLConnection#connect()}, so {@link #start} counts the
 *       call as sent and never repeats it itself.
 * </ul>
 */
final class RenderHttp {
  static final int ATTEMPTS = 4;
  static final Duration MAX_RETRY_WAIT = Duration.ofSeconds(60);

  /**
   * How long one call may take as a whole, connecting to the last byte of the answer: the connect
   * and read timeouts bound each step, but a body that trickles in a byte at a time passes every
   * read timeout. At the bound the connection is closed under the call.
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

  /** Where the API key may come from, for messages. */
  static final String KEY_SOURCES =
      "RENDER_API_KEY (or the settings.xml server named by <renderApiKeyServerId>,"
          + " ship.render.apiKeyServerId)";

  /**
   * Answers no authentication challenge: a default {@link Authenticator} set in the JVM (Maven's
   * transports may set one) must never get a Render call resent with its credentials.
   */
  private static final Authenticator NO_AUTHENTICATION = new Authenticator() {};

  /** Asked only when a certificate's names do not match the host: then always no. */
  private static final HostnameVerifier NO_MISMATCH = (host, session) -> false;

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

  /**
   * A call: {@code body} null for a GET, else a POST of it ({@code contentType} null: the JDK's
   * default); {@code authorized} sends the API key.
   */
  record Request(
      String method, URI url, byte[] body, @Nullable String contentType, boolean authorized) {}

  /**
   * Render's answer, read whole: {@code headers} by lower-case name (first value), {@code
   * tookMillis} from sending the request to its answer's headers.
   */
  record Reply(int code, String body, Map<String, String> headers, long tookMillis) {
    boolean isSuccessful() {
      return code >= 200 && code < 300;
    }

    @Nullable String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private final RenderClient.Timeouts timeouts;
  private final URI apiUrl;
  private final String apiKey;
  private final Sleeper sleeper;
  private final ShipLog log;
  private final Secrets secrets = new Secrets();

  RenderHttp(
      RenderClient.Timeouts timeouts, URI apiUrl, String apiKey, Sleeper sleeper, ShipLog log) {
    this.timeouts = timeouts;
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

  /**
   * {@code /v1/services/{serviceId}/{segments…}?{query}} of the API; each segment is
   * percent-encoded (a deploy id comes from Render's answer), {@code query} is given encoded.
   */
  URI service(String serviceId, @Nullable String query, String... segments) {
    StringBuilder path = new StringBuilder(apiUrl.getRawPath());
    while (path.length() > 0 && path.charAt(path.length() - 1) == '/') {
      path.setLength(path.length() - 1);
    }
    path.append("/v1/services/").append(segment(serviceId));
    for (String segment : segments) {
      path.append('/').append(segment(segment));
    }
    return URI.create(
        apiUrl.getScheme()
            + "://"
            + apiUrl.getRawAuthority()
            + path
            + (query == null ? "" : "?" + query));
  }

  /** {@code text} percent-encoded as one path segment: RFC 3986's unreserved characters stay. */
  static String segment(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  /** A GET of the API. */
  Request api(URI url) {
    return new Request("GET", url, null, null, true);
  }

  /** A POST of {@code body} to the API. */
  Request apiPost(URI url, JsonNode body) {
    return new Request(
        "POST",
        url,
        body.toString().getBytes(StandardCharsets.UTF_8),
        "application/json; charset=utf-8",
        true);
  }

  /** A POST with an empty body, the key in the URL: the hook. */
  static Request hookPost(URI url) {
    return new Request("POST", url, new byte[0], null, false);
  }

  /**
   * One call, no retries: for polls, which their caller repeats. It ends, answer read or not,
   * within {@code budget} (what is left of the wait) or the call timeout, whichever is shorter.
   */
  Reply execute(Request request, Duration budget) throws IOException {
    Duration bound = budget.compareTo(timeouts.call()) < 0 ? budget : timeouts.call();
    return call(request, bound.toMillis() < 1 ? Duration.ofMillis(1) : bound, new Sent());
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
      try {
        Reply response = call(request, timeouts.call(), sent);
        int code = response.code();
        if (response.isSuccessful()) {
          return new Answer(response.body(), notBefore(response));
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
        if (sent.requestStarted) {
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
                  + redact(String.valueOf(e.getMessage())));
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
  @Nullable JsonNode get(URI url, String serviceId, String what) {
    for (int attempt = 1; ; attempt++) {
      Duration wait = backoff(attempt);
      String problem;
      try {
        Reply response = call(api(url), timeouts.call(), new Sent());
        int code = response.code();
        if (code == 404) {
          return null;
        }
        if (response.isSuccessful()) {
          return JSON.readTree(response.body());
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

  /**
   * A connection for {@code request}, not yet connected: bounded, following no redirect (a 3xx is
   * an answer like any other), answering no authentication challenge, caching nothing; a POST in
   * fixed-length streaming mode, so the JDK never resends it (see the class comment). Plain http
   * only to a loopback host, as {@link DeployHook} and {@link RenderTarget} accept it.
   */
  HttpURLConnection open(Request request) throws IOException {
    URI url = request.url();
    String scheme = String.valueOf(url.getScheme()).toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !(scheme.equals("http") && Hosts.isLoopback(url.getHost()))) {
      // DeployHook and RenderTarget let no other URL through; scheme and host only: no key
      throw ShipException.config(
          "Refusing to call "
              + scheme
              + "://"
              + url.getHost()
              + ": Render is called over https (plain http only for loopback hosts).");
    }
    HttpURLConnection connection = (HttpURLConnection) url.toURL().openConnection();
    if (connection instanceof HttpsURLConnection https) {
      // The JDK's own TLS and name check, whatever defaults other code in Maven's JVM set: with
      // this verifier the JDK checks the certificate's names itself and refuses any mismatch.
      https.setSSLSocketFactory((SSLSocketFactory) SSLSocketFactory.getDefault());
      https.setHostnameVerifier(NO_MISMATCH);
    }
    connection.setConnectTimeout(millis(timeouts.connect()));
    connection.setReadTimeout(millis(timeouts.read()));
    connection.setInstanceFollowRedirects(false);
    connection.setUseCaches(false);
    connection.setAuthenticator(NO_AUTHENTICATION);
    connection.setRequestMethod(request.method());
    if (request.authorized()) {
      connection.setRequestProperty("Authorization", "Bearer " + apiKey);
      connection.setRequestProperty("Accept", "application/json");
    } else {
      connection.setRequestProperty("Accept", "*/*");
    }
    if (request.body() != null) {
      connection.setDoOutput(true);
      connection.setFixedLengthStreamingMode(request.body().length);
      if (request.contentType() != null) {
        connection.setRequestProperty("Content-Type", request.contentType());
      }
    }
    return connection;
  }

  private static int millis(Duration duration) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, duration.toMillis()));
  }

  /**
   * One exchange, ended within {@code bound} whatever the server does: at the bound the connection
   * is closed under the call, and what that breaks reads as a timeout. Marks {@code sent} once
   * anything of the request may have been written.
   */
  private Reply call(Request request, Duration bound, Sent sent) throws IOException {
    HttpURLConnection connection = open(request);
    Deadline deadline = new Deadline(connection, bound);
    boolean done = false;
    try {
      // DNS, TCP and, for https, the TLS handshake: nothing of the request is written yet
      connection.connect();
      sent.requestStarted = true;
      long started = System.nanoTime();
      if (request.body() != null) {
        try (OutputStream out = connection.getOutputStream()) {
          out.write(request.body());
        }
      }
      int code = connection.getResponseCode();
      if (code < 0) {
        throw new IOException("no valid HTTP answer");
      }
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      Map<String, String> headers = new TreeMap<>();
      for (Map.Entry<String, List<String>> header : connection.getHeaderFields().entrySet()) {
        if (header.getKey() != null && !header.getValue().isEmpty()) {
          headers.putIfAbsent(header.getKey().toLowerCase(Locale.ROOT), header.getValue().get(0));
        }
      }
      deadline.bodyStarts();
      // Never getInputStream() on an error: its exception names the whole URL, the hook's key too.
      InputStream in = code >= 400 ? connection.getErrorStream() : connection.getInputStream();
      String body = in == null ? "" : readAll(in, deadline);
      if (deadline.end()) {
        // the deadline came first: what was read may be cut short
        throw new InterruptedIOException("timeout: no whole answer within " + bound);
      }
      done = true;
      return new Reply(code, body, headers, took);
    } catch (IOException | RuntimeException e) {
      if (deadline.passed()) {
        // Closed under the call; a RuntimeException is the JDK meeting its own closed connection.
        throw new InterruptedIOException("timeout: no whole answer within " + bound);
      }
      throw e;
    } finally {
      deadline.end();
      if (!done) {
        connection.disconnect();
      }
    }
  }

  /**
   * The answer's body, read until its end or the deadline: each read waits at most the read
   * timeout, and a body trickling in is cut at the first read after the deadline.
   */
  private static String readAll(InputStream in, Deadline deadline) throws IOException {
    try (in) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        if (deadline.passed()) {
          throw new InterruptedIOException("timeout");
        }
        body.write(buffer, 0, n);
      }
      return body.toString(StandardCharsets.UTF_8);
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
  @Nullable String renderMessage(Reply response) {
    try {
      JsonNode message = JSON.readTree(response.body()).path("message");
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
  private static Instant notBefore(Reply response) {
    String date = response.header("Date");
    if (date == null) {
      return null;
    }
    try {
      Instant at =
          ZonedDateTime.parse(date.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return at.minusMillis(Math.max(0, response.tookMillis())).minus(CREATED_SLACK);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** {@code Retry-After} or {@code Ratelimit-Reset} seconds, bounded; else {@code fallback}. */
  static Duration retryAfter(Reply response, Duration fallback) {
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

  /** Whether anything of a call's request may have been written: if not, Render saw nothing. */
  private static final class Sent {
    volatile boolean requestStarted;
  }

  /**
   * A call's whole-call bound. Until the answer's head is in, the deadline closes the connection
   * under the call ({@code disconnect()}), which ends a connect, a write or a head trickling in (a
   * byte at a time meets no read timeout). Once the body is being read it only marks the call late,
   * and the body's reads stop at the first one after it ({@link #readAll}): {@code disconnect()}
   * under a body being read would not end the read but hand the kept-alive connection's rest to the
   * JDK's cleaner thread, which drains it holding the stream's lock, as long as it trickles. So a
   * call ends by its bound, or, if its body stops arriving altogether, one read timeout later.
   */
  private static final class Deadline {
    private final HttpURLConnection connection;
    private final ScheduledFuture<?> timer;
    private boolean ended;
    private boolean body;
    private volatile boolean passed;

    Deadline(HttpURLConnection connection, Duration bound) {
      this.connection = connection;
      this.timer = Timer.POOL.schedule(this::pass, bound.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void pass() {
      if (!ended) {
        passed = true;
        if (!body) {
          connection.disconnect();
        }
      }
    }

    boolean passed() {
      return passed;
    }

    /**
     * The head is in and the body is read next: the connection is never closed under the call after
     * this.
     *
     * @throws InterruptedIOException when the deadline came first
     */
    synchronized void bodyStarts() throws InterruptedIOException {
      if (passed) {
        throw new InterruptedIOException("timeout");
      }
      body = true;
    }

    /**
     * The call ended: the connection is never closed under it after this.
     *
     * @return whether the deadline had passed first
     */
    synchronized boolean end() {
      ended = true;
      timer.cancel(false);
      return passed;
    }
  }

  /** One daemon thread for every call's deadline, made on the first call, gone when idle. */
  private static final class Timer {
    static final ScheduledThreadPoolExecutor POOL = pool();

    private static ScheduledThreadPoolExecutor pool() {
      ScheduledThreadPoolExecutor pool =
          new ScheduledThreadPoolExecutor(
              1,
              task -> {
                Thread thread = new Thread(task, "ship-render-deadline");
                thread.setDaemon(true); // never keeps the JVM alive
                return thread;
              });
      pool.setRemoveOnCancelPolicy(true);
      pool.setKeepAliveTime(1, TimeUnit.SECONDS);
      pool.allowCoreThreadTimeOut(true);
      return pool;
    }

    private Timer() {}
  }
}

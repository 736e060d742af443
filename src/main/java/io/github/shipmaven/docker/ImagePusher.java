package io.github.shipmaven.docker;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient.Request;
import io.github.shipmaven.core.Bytes;
import io.github.shipmaven.core.Durations;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.core.Sleeper;
import io.github.shipmaven.image.ImageReference;
import io.github.shipmaven.registry.RegistryCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Pushes every tag of an image and returns the manifest digest the registry confirmed. Transient
 * failures (any 5xx, resets, timeouts, a cut connection, a stall on an engine whose retry starts a
 * new upload) are retried with backoff; a refused login is not, and names the credential source;
 * nor is a stall on an engine that keeps the stuck upload, which a retry would only join. The
 * digest the stream reports is checked against what the registry then serves for the tag, asked
 * through the daemon with the same login.
 *
 * <p>The push goes through the plugin's own transport and its stream is read with Jackson's
 * streaming parser ({@link DaemonItem}), not through docker-java's {@code pushImageCmd}: for this
 * one call docker-java's client loads its whole command tree, Guava and an object mapper, ~900
 * classes that were most of a cold {@code ship:push}'s time, and its callback completes normally on
 * a failed push anyway, so every item was checked here already.
 */
public final class ImagePusher {

  /**
   * The slowest upload, in bytes of the image a second, that a push on an engine whose push stream
   * shows no progress is given time for.
   */
  static final long SILENT_ENGINE_RATE = 1024 * 1024;

  /**
   * How to push.
   *
   * @param retries how many times a transient failure is retried
   * @param stallTimeout how long a push may make no progress before it is abandoned
   */
  public record Policy(int retries, Duration stallTimeout) {}

  private final DockerDaemon daemon;
  private final ShipLog log;
  private final Sleeper sleeper;

  public ImagePusher(DockerDaemon daemon, ShipLog log, Sleeper sleeper) {
    this.daemon = daemon;
    this.log = log;
    this.sleeper = sleeper;
  }

  /**
   * Pushes {@code image:tag} for each tag; all must end with the same digest, which is returned.
   *
   * @param credentials null to push without credentials
   */
  public String push(
      ImageReference image,
      List<String> tags,
      @Nullable RegistryCredentials credentials,
      Policy policy) {
    String digest = null;
    for (String tag : tags) {
      String pushed = pushWithRetries(image, tag, credentials, policy);
      confirm(image, tag, credentials, pushed);
      if (digest != null && !digest.equals(pushed)) {
        throw ShipException.failed(
            "Tags of one image were pushed with different digests ("
                + digest
                + ", "
                + pushed
                + "): was the image rebuilt during the push?");
      }
      digest = pushed;
      log.info("Pushed " + image.withTag(tag) + " (" + pushed + ")");
    }
    return digest;
  }

  /** One attempt's outcome: the digest, or why there is none and whether to try again. */
  private record Attempt(String digest, String failure, RegistryFailures.Kind kind) {
    static Attempt failed(String failure) {
      return new Attempt(null, failure, RegistryFailures.classify(failure));
    }

    static Attempt transientFailure(String failure) {
      return new Attempt(null, failure, RegistryFailures.Kind.TRANSIENT);
    }
  }

  private String pushWithRetries(
      ImageReference image, String tag, RegistryCredentials credentials, Policy policy) {
    String reference = image.withTag(tag);
    for (int attempt = 0; ; attempt++) {
      Attempt result = pushOnce(image, tag, credentials, stallBound(policy, image, tag, attempt));
      if (result.digest() != null) {
        return result.digest();
      }
      if (result.kind() == RegistryFailures.Kind.NOT_IN_DAEMON) {
        throw notInDaemon(reference);
      }
      if (result.kind() == RegistryFailures.Kind.LOGIN_REFUSED) {
        throw ShipException.config(
            "Registry "
                + image.registry()
                + " refused the push of "
                + reference
                + " with credentials from "
                + (credentials == null ? "no source (none were found)" : credentials.source())
                + ": "
                + result.failure()
                + ". Check that username and password are right and may push to "
                + image.path()
                + ".");
      }
      if (result.kind() == RegistryFailures.Kind.PERMANENT || attempt >= policy.retries()) {
        throw ShipException.failed(
            "Push of "
                + reference
                + " failed"
                + (attempt > 0 ? " after " + (attempt + 1) + " attempts" : "")
                + ": "
                + result.failure());
      }
      Duration backoff = Duration.ofSeconds(1L << attempt);
      log.warn(
          "Push of "
              + reference
              + " failed ("
              + result.failure()
              + "); retrying in "
              + backoff.toSeconds()
              + " s ("
              + (attempt + 1)
              + " of "
              + policy.retries()
              + " retries).");
      try {
        sleeper.sleep(backoff);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ShipException.failed("Interrupted while retrying the push.", e);
      }
    }
  }

  /**
   * Podman's push stream says nothing between its first line and the digest: there is no progress
   * to watch, so a long healthy push would look stalled. There the bound is on the whole push of
   * the tag: {@code pushStallTimeout} plus one second per megabyte of the image, the time of an
   * upload no slower than {@link #SILENT_ENGINE_RATE} (Podman compresses layers on the way, so
   * fewer bytes go out). A small image whose upload stalls is then noticed about as soon as on
   * Docker, and a big one is given the time it needs.
   */
  private Duration stallBound(Policy policy, ImageReference image, String tag, int attempt) {
    if (!daemon.isPodman()) {
      return policy.stallTimeout();
    }
    long size = daemon.imageSize(image.withTag(tag));
    Duration bound =
        policy.stallTimeout().plusSeconds((size + SILENT_ENGINE_RATE - 1) / SILENT_ENGINE_RATE);
    if (attempt == 0) {
      log.info(
          image.withTag(tag)
              + ": Podman reports no progress while it pushes, so the push is bounded as a whole, at "
              + Durations.describe(bound)
              + " (<pushStallTimeout> plus 1 s per MB of the image's "
              + Bytes.describe(size)
              + ").");
    }
    return bound;
  }

  private Attempt pushOnce(
      ImageReference image, String tag, RegistryCredentials credentials, Duration stallTimeout) {
    String reference = image.withTag(tag);
    PushStream stream = new PushStream(reference, tag, log);
    // Always a login, if only an empty one: Docker 20.10 answers 400 to a push without the header.
    Map<String, String> headers =
        Map.of("X-Registry-Auth", registryAuth(image.registry(), credentials, true));
    String path = "/images/" + pathSegment(image.name()) + "/push?tag=" + pathSegment(tag);
    // The stream is read on a thread of its own, so that a stall ends the wait even before the
    // daemon answered at all: closing the answer ends the stream; whether the daemon's upload ends
    // with it depends on the engine (DockerDaemon.retryJoinsAbandonedUpload).
    AtomicReference<DockerDaemon.Answer> open = new AtomicReference<>();
    CompletableFuture<String> ended = new CompletableFuture<>();
    IdleWatch stall =
        IdleWatch.start(
            stallTimeout,
            stream::lastProgress,
            () -> {
              ended.complete(null);
              closeQuietly(open.get());
            });
    Thread reader =
        new Thread(
            () -> {
              try (DockerDaemon.Answer answer = daemon.post(path, headers, null)) {
                open.set(answer);
                if (stall.fired()) {
                  return;
                }
                if (answer.status() != 200) {
                  ended.complete(
                      "the Docker daemon answered HTTP "
                          + answer.status()
                          + ": "
                          + message(answer.body()));
                  return;
                }
                DaemonItem.read(answer.body(), stream::accept);
                ended.complete(null);
              } catch (IOException | RuntimeException e) {
                ended.completeExceptionally(e);
              }
            },
            "ship-push");
    reader.setDaemon(true);
    reader.start();
    Throwable failure = null;
    String refused;
    try {
      refused = ended.join();
    } catch (CompletionException e) {
      failure = e.getCause();
      refused = null;
    } finally {
      stall.stop();
    }
    if (refused != null) {
      // The daemon refused the request itself (Podman: 404 for an image it does not have).
      String described = DockerConnector.rootMessage(new IllegalStateException(refused));
      return refused.contains("HTTP 404")
          ? new Attempt(null, described, RegistryFailures.Kind.NOT_IN_DAEMON)
          : Attempt.failed(described);
    }
    if (stall.fired()) {
      String layer = stream.stuckWhere();
      String stalled =
          "no progress for "
              + Durations.describe(stallTimeout)
              + " while pushing "
              + (layer == null ? "" : layer + " ")
              + "to registry "
              + image.registry()
              + (layer == null ? " (the engine named no layer)" : "");
      if (daemon.retryJoinsAbandonedUpload()) {
        // A retry would join the daemon's stuck upload and stall again: fail now.
        return new Attempt(
            null,
            stalled
                + "; not retried: "
                + daemon.describe()
                + " keeps that upload going after the push is abandoned, so a retry would wait on"
                + " it again (it ends when the registry closes the connection or the daemon"
                + " restarts). Check the registry, or raise <pushStallTimeout>"
                + " (ship.push.stallTimeout) if it is just slow",
            RegistryFailures.Kind.PERMANENT);
      }
      return Attempt.transientFailure(
          stalled
              + "; raise <pushStallTimeout> (ship.push.stallTimeout) if the registry is just slow");
    }
    if (stream.error() != null) {
      return Attempt.failed(stream.error());
    }
    if (failure != null) {
      // The stream broke off: the daemon went away, or the connection did. Safe to push again.
      return Attempt.transientFailure(
          "the connection to the Docker daemon broke off ("
              + DockerConnector.rootMessage(failure)
              + ")");
    }
    if (stream.digest() == null) {
      return new Attempt(
          null,
          "the push ended without a manifest digest from the registry",
          RegistryFailures.Kind.PERMANENT);
    }
    return new Attempt(stream.digest(), null, null);
  }

  private static ShipException notInDaemon(String reference) {
    return ShipException.config(
        "Image "
            + reference
            + " is not in the Docker daemon: run ship:build first (it binds to package).");
  }

  /**
   * Asks the daemon what the registry now serves for the tag ({@code GET /distribution/…/json},
   * which Docker answers by asking the registry with the same login). A different digest fails the
   * push. Podman 4.3 does not serve the endpoint: there the stream's digest stands.
   */
  private void confirm(
      ImageReference image, String tag, RegistryCredentials credentials, String pushed) {
    String reference = image.withTag(tag);
    Request.Builder request =
        Request.builder()
            .method(Request.Method.GET)
            .path(
                "/distribution/" + URLEncoder.encode(reference, StandardCharsets.UTF_8) + "/json");
    request.putHeader("X-Registry-Auth", registryAuth(image.registry(), credentials, false));
    String served;
    try (DockerHttpClient.Response response = daemon.transport().execute(request.build());
        InputStream body = response.getBody()) {
      if (response.getStatusCode() == 404 && daemon.isPodman()) {
        log.debug(
            reference
                + ": not confirmed with the registry (Podman does not serve /distribution); the"
                + " digest the push reported, "
                + pushed
                + ", stands.");
        return;
      }
      String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
      if (response.getStatusCode() != 200) {
        log.warn(
            reference
                + ": could not ask the registry which digest it serves (HTTP "
                + response.getStatusCode()
                + ": "
                + text.strip()
                + "); the digest the push reported, "
                + pushed
                + ", stands.");
        return;
      }
      served = descriptorDigest(text);
    } catch (IOException | RuntimeException e) {
      log.warn(
          reference
              + ": could not ask the registry which digest it serves ("
              + DockerConnector.rootMessage(e)
              + "); the digest the push reported, "
              + pushed
              + ", stands.");
      return;
    }
    if (!pushed.equals(served)) {
      throw ShipException.failed(
          "Push of "
              + reference
              + " reported digest "
              + pushed
              + ", but the registry serves "
              + served
              + " for that tag: another push may have raced this one; push again.");
    }
    log.debug(reference + ": the registry serves " + served + ", as pushed.");
  }

  /**
   * The daemon's {@code X-Registry-Auth}: base64url JSON of the login. For none: {@code
   * {"serveraddress":…}} on a push, as docker-java sent it, {@code {}} elsewhere.
   */
  private static String registryAuth(
      String registry, @Nullable RegistryCredentials credentials, boolean forPush) {
    Map<String, String> auth = new LinkedHashMap<>();
    if (credentials == null) {
      if (forPush) {
        auth.put("serveraddress", registry);
      }
    } else {
      if (credentials.identityToken()) {
        auth.put("identitytoken", credentials.secret());
      } else {
        auth.put("username", credentials.username());
        auth.put("password", credentials.secret());
      }
      auth.put("serveraddress", credentials.serverAddress(registry));
    }
    return Base64.getUrlEncoder()
        .encodeToString(StreamJson.object(auth).getBytes(StandardCharsets.UTF_8));
  }

  /** A path segment as docker-java wrote it: {@code 127.0.0.1:5000%2Fteam%2Fapp}. */
  private static String pathSegment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("%3A", ":");
  }

  /** The {@code message} of a daemon's error answer, or its text. */
  private static String message(InputStream body) throws IOException {
    String text = new String(body.readAllBytes(), StandardCharsets.UTF_8).strip();
    try (JsonParser parser = StreamJson.FACTORY.createParser(text)) {
      if (parser.nextToken() == JsonToken.START_OBJECT) {
        String message = StreamJson.field(parser, "message");
        if (message != null) {
          return message.strip();
        }
      }
    } catch (IOException notJson) {
      // the text itself says it
    }
    return text;
  }

  /** {@code Descriptor.digest} of {@code /distribution}'s answer, or null. */
  private static @Nullable String descriptorDigest(String text) throws IOException {
    try (JsonParser parser = StreamJson.FACTORY.createParser(text)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String digest = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        parser.nextToken();
        if (field.equals("Descriptor")) {
          digest = StreamJson.field(parser, "digest");
        } else {
          parser.skipChildren();
        }
      }
      return digest;
    }
  }

  private static void closeQuietly(DockerDaemon.@Nullable Answer answer) {
    if (answer != null) {
      try {
        answer.close();
      } catch (RuntimeException ignored) {
        // already broken: the stream ends either way
      }
    }
  }
}

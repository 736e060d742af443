package io.github.shipmaven.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.PushImageCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.PushResponseItem;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.core.Sleeper;
import io.github.shipmaven.image.ImageReference;
import io.github.shipmaven.registry.RegistryCredentials;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Pushes every tag of an image and returns the manifest digest the registry confirmed. Transient
 * failures are retried with backoff; a rejected login is not, and names the credential source.
 */
public final class ImagePusher {
  private static final List<String> AUTH_FAILURES =
      List.of("unauthorized", "authentication required", "no basic auth", "denied", "forbidden");
  private static final List<String> TRANSIENT_FAILURES =
      List.of(
          "timeout",
          "timed out",
          "connection reset",
          "connection refused",
          "broken pipe",
          "eof",
          "502",
          "503",
          "504",
          "too many requests",
          "temporarily unavailable",
          "tls handshake");

  private final DockerClient docker;
  private final ShipLog log;
  private final Sleeper sleeper;

  public ImagePusher(DockerClient docker, ShipLog log, Sleeper sleeper) {
    this.docker = docker;
    this.log = log;
    this.sleeper = sleeper;
  }

  /**
   * Pushes {@code image:tag} for each tag; all must end with the same digest, which is returned.
   *
   * @param credentials null to push without credentials
   * @param retries how many times a transient failure is retried
   */
  public String push(
      ImageReference image, List<String> tags, RegistryCredentials credentials, int retries) {
    String digest = null;
    for (String tag : tags) {
      String pushed = pushWithRetries(image, tag, credentials, retries);
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

  private String pushWithRetries(
      ImageReference image, String tag, RegistryCredentials credentials, int retries) {
    for (int attempt = 0; ; attempt++) {
      Attempt result = pushOnce(image, tag, credentials);
      if (result.digest() != null) {
        return result.digest();
      }
      String failure = result.failure();
      String lower = failure.toLowerCase(Locale.ROOT);
      if (AUTH_FAILURES.stream().anyMatch(lower::contains)) {
        throw ShipException.config(
            "Registry "
                + image.registry()
                + " refused the push of "
                + image.withTag(tag)
                + " with credentials from "
                + (credentials == null ? "no source (none were found)" : credentials.source())
                + ": "
                + failure
                + ". Check that username and password are right and may push to "
                + image.path()
                + ".");
      }
      boolean transientFailure = TRANSIENT_FAILURES.stream().anyMatch(lower::contains);
      if (!transientFailure || attempt >= retries) {
        throw ShipException.failed(
            "Push of "
                + image.withTag(tag)
                + " failed"
                + (attempt > 0 ? " after " + (attempt + 1) + " attempts" : "")
                + ": "
                + failure);
      }
      Duration backoff = Duration.ofSeconds(1L << attempt);
      log.warn(
          "Push of "
              + image.withTag(tag)
              + " failed ("
              + failure
              + "); retrying in "
              + backoff.toSeconds()
              + " s.");
      try {
        sleeper.sleep(backoff);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ShipException.failed("Interrupted while retrying the push.", e);
      }
    }
  }

  /** One push: the confirmed digest, or why there is none. */
  private record Attempt(String digest, String failure) {}

  private Attempt pushOnce(ImageReference image, String tag, RegistryCredentials credentials) {
    String reference = image.withTag(tag);
    PushProgress progress = new PushProgress(reference, log);
    PushImageCmd cmd = docker.pushImageCmd(image.name()).withTag(tag);
    if (credentials != null) {
      cmd.withAuthConfig(DockerAuth.of(image.registry(), credentials));
    }
    Throwable failure;
    try {
      failure =
          cmd.exec(new DaemonStream<PushResponseItem>(progress::accept))
              .await("pushing " + reference);
    } catch (NotFoundException e) {
      failure = e;
    }
    if (failure instanceof NotFoundException) {
      throw ShipException.config(
          "Image "
              + reference
              + " is not in the Docker daemon: run ship:build first (it binds to package).");
    }
    if (failure != null) {
      return new Attempt(null, DockerConnector.rootMessage(failure));
    }
    if (progress.error() != null) {
      return new Attempt(null, progress.error());
    }
    if (progress.digest() == null) {
      return new Attempt(null, "the registry never confirmed a manifest digest");
    }
    return new Attempt(progress.digest(), null);
  }
}

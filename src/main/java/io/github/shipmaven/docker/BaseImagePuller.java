package io.github.shipmaven.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.PullImageCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.PullResponseItem;
import io.github.shipmaven.context.BaseImages.BaseImage;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.registry.RegistryCredentials;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Pulls base images before a BuildKit build whose session does not answer registry logins ({@link
 * BuildKitRunner#logsIn()} false; the plugin's own runner does answer them, so it never gets here).
 * BuildKit cannot then log in to a registry (the classic builder's {@code X-Registry-Config} is
 * ignored); with the image already in the daemon it uses that one. So the images behind a login are
 * pulled here with {@code X-Registry-Auth} when the daemon lacks them, and with {@code pull} every
 * base image is, since BuildKit's own pull would fail on those behind a login.
 */
final class BaseImagePuller {
  private static final Pattern DAEMON_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"(.*?)\"");

  private final Supplier<DockerClient> docker;
  private final ShipLog log;

  /**
   * @param docker docker-java's client, asked for only when an image is inspected or pulled
   */
  BaseImagePuller(Supplier<DockerClient> docker, ShipLog log) {
    this.docker = docker;
    this.log = log;
  }

  /**
   * @param images the Dockerfile's base images
   * @param logins logins by registry
   * @param all pull every image (the user asked for {@code pull}); else only those behind a login
   *     that the daemon does not have
   * @param platform the platform to pull, or null for the daemon's
   */
  void pull(
      List<BaseImage> images,
      Map<String, RegistryCredentials> logins,
      boolean all,
      @Nullable String platform) {
    for (BaseImage image : images) {
      RegistryCredentials login = logins.get(image.registry());
      if (!all && (login == null || present(image.reference()))) {
        continue;
      }
      pull(image, login, platform);
    }
  }

  private boolean present(String reference) {
    try {
      docker.get().inspectImageCmd(reference).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  private void pull(BaseImage image, RegistryCredentials login, String platform) {
    String reference = image.reference();
    String[] repositoryAndTag = repositoryAndTag(reference);
    PullImageCmd cmd = docker.get().pullImageCmd(repositoryAndTag[0]).withTag(repositoryAndTag[1]);
    if (login != null) {
      cmd.withAuthConfig(DockerAuth.of(image.registry(), login));
    }
    if (platform != null && !platform.isBlank()) {
      cmd.withPlatform(platform);
    }
    String[] error = {null};
    String[] outcome = {null};
    Throwable failure =
        cmd.exec(
                new DaemonStream<PullResponseItem>(
                    item -> {
                      String message = DaemonStream.errorOf(item);
                      if (message != null && error[0] == null) {
                        error[0] = message;
                      } else if (item.getStatus() != null
                          && item.getStatus().startsWith("Status: ")) {
                        outcome[0] = item.getStatus();
                      }
                    }))
            .await("pulling " + reference);
    String problem =
        error[0] != null
            ? error[0]
            : failure != null ? daemonMessage(DockerConnector.rootMessage(failure)) : null;
    if (problem == null && outcome[0] == null) {
      problem = "the daemon's answer ended without saying the image was pulled";
    }
    if (problem != null) {
      if (login != null
          && RegistryFailures.classify(problem) == RegistryFailures.Kind.LOGIN_REFUSED) {
        throw ShipException.config(
            "Registry "
                + image.registry()
                + " refused the pull of base image "
                + reference
                + " with the login from "
                + login.source()
                + ": "
                + problem
                + ". Check that username and password are right and may pull it.");
      }
      throw ShipException.failed(
          "Pull of base image "
              + reference
              + " failed"
              + (login == null ? " (no login for " + image.registry() + ")" : "")
              + ": "
              + problem,
          failure);
    }
    log.info(
        "Pulled base image "
            + reference
            + (login == null ? "" : " with the login from " + login.source())
            + (outcome[0].contains("up to date") ? " (already up to date)" : ""));
  }

  /** {@code name[:tag][@digest]} as the pull's {@code fromImage} and {@code tag}. */
  static String[] repositoryAndTag(String reference) {
    int at = reference.indexOf('@');
    String name = at >= 0 ? reference.substring(0, at) : reference;
    int slash = name.lastIndexOf('/');
    int colon = name.lastIndexOf(':');
    String repository = colon > slash ? name.substring(0, colon) : name;
    if (at >= 0) {
      return new String[] {repository, reference.substring(at + 1)};
    }
    return new String[] {repository, colon > slash ? name.substring(colon + 1) : "latest"};
  }

  /** docker-java's "Status 500: {"message":"..."}" as the daemon's message. */
  private static String daemonMessage(String text) {
    Matcher m = DAEMON_MESSAGE.matcher(text);
    return m.find() ? m.group(1) : text.strip();
  }
}

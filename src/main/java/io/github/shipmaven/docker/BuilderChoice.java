package io.github.shipmaven.docker;

import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.api.model.VersionComponent;
import io.github.shipmaven.context.Builder;
import io.github.shipmaven.core.ShipException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which builder builds, and why, in words for the log and {@code ship:info}: e.g. {@code BuildKit
 * (the daemon offers it)} or {@code classic (DOCKER_BUILDKIT=0)}.
 *
 * @param builder the builder
 * @param reason the builder's name and why it was chosen
 */
public record BuilderChoice(Builder builder, String reason) {
  /** Engine API 1.39 (Docker 18.09) is the first whose {@code /build} takes {@code version=2}. */
  static final String FIRST_BUILDKIT_API = "1.39";

  private static final Set<String> TRUE = Set.of("1", "t", "T", "TRUE", "true", "True");
  private static final Set<String> FALSE = Set.of("0", "f", "F", "FALSE", "false", "False");

  /**
   * What the choice depends on, as the daemon tells it.
   *
   * @param apiVersion its Engine API version, null if unknown
   * @param builderVersion its {@code Builder-Version} ping header: "2" BuildKit, "1" classic, null
   *     or empty if it names no default (Docker before 23 unless configured)
   * @param os its operating system, {@code linux} or {@code windows}; null if unknown
   * @param podman whether it is Podman (whose builder is buildah, whatever it is asked)
   */
  public record Daemon(
      @Nullable String apiVersion,
      @Nullable String builderVersion,
      @Nullable String os,
      boolean podman) {}

  @Override
  public String toString() {
    return reason;
  }

  /**
   * Asks the connected daemon what it offers (its {@code /_ping} headers, seen when connecting;
   * {@code /version} when they do not tell), then decides as {@link #decide}.
   *
   * @param configured the {@code <builder>} parameter: auto (or null), buildkit or classic
   * @param env the process environment, for {@code DOCKER_BUILDKIT}
   */
  public static BuilderChoice detect(
      @Nullable String configured, DockerDaemon daemon, Map<String, String> env) {
    String api = daemon.apiVersion();
    String os = daemon.pingHeader("Ostype");
    boolean podman = daemon.isPodman();
    if (os == null || api == null) {
      Version version = daemon.client().versionCmd().exec();
      api = api == null ? version.getApiVersion() : api;
      os = os == null ? version.getOperatingSystem() : os;
      List<VersionComponent> components = version.getComponents();
      podman =
          podman
              || (components != null
                  && components.stream()
                      .anyMatch(c -> c.getName() != null && c.getName().startsWith("Podman")));
    }
    return decide(
        configured,
        new Daemon(api, daemon.pingHeader("Builder-Version"), os, podman),
        env.get("DOCKER_BUILDKIT"));
  }

  /**
   * The choice, as the docker CLI makes it where it can: {@code <builder>} first; then the facts no
   * setting changes (Podman builds with buildah, Windows daemons and Engine APIs before 1.39 have
   * no BuildKit); then {@code DOCKER_BUILDKIT} (a boolean as Go reads one: 0/false is classic);
   * then the daemon's own default ({@code Builder-Version}); a daemon that names none is a Docker
   * older than 23 that has BuildKit all the same.
   *
   * @param configured the {@code <builder>} parameter: auto (or null/blank), buildkit or classic
   * @param dockerBuildkit the {@code DOCKER_BUILDKIT} value, or null
   */
  public static BuilderChoice decide(
      @Nullable String configured, Daemon daemon, @Nullable String dockerBuildkit) {
    String setting =
        configured == null || configured.isBlank()
            ? "auto"
            : configured.trim().toLowerCase(Locale.ROOT);
    String without = withoutBuildKit(daemon);
    switch (setting) {
      case "classic":
        return new BuilderChoice(Builder.CLASSIC, "classic (<builder> classic)");
      case "buildkit":
        if (without != null) {
          throw ShipException.config(
              "<builder> (ship.builder) is buildkit, but "
                  + without
                  + ": set <builder> to auto or classic.");
        }
        return new BuilderChoice(Builder.BUILDKIT, "BuildKit (<builder> buildkit)");
      case "auto":
        break;
      default:
        throw ShipException.config(
            "<builder> (ship.builder) '"
                + configured
                + "' is not one of auto, buildkit, classic: set one of them.");
    }
    String env = dockerBuildkit == null ? "" : dockerBuildkit.trim();
    if (!env.isEmpty() && !TRUE.contains(env) && !FALSE.contains(env)) {
      throw ShipException.config(
          "DOCKER_BUILDKIT '"
              + dockerBuildkit
              + "' is not a boolean: set it to 1 or 0, or unset it (the docker CLI refuses it"
              + " too).");
    }
    if (daemon.podman()) {
      return new BuilderChoice(Builder.CLASSIC, "classic (Podman builds with its own builder)");
    }
    if (without != null) {
      return new BuilderChoice(Builder.CLASSIC, "classic (" + without + ")");
    }
    if (FALSE.contains(env)) {
      return new BuilderChoice(Builder.CLASSIC, "classic (DOCKER_BUILDKIT=" + env + ")");
    }
    if (TRUE.contains(env)) {
      return new BuilderChoice(Builder.BUILDKIT, "BuildKit (DOCKER_BUILDKIT=" + env + ")");
    }
    String builderVersion = daemon.builderVersion() == null ? "" : daemon.builderVersion().trim();
    if (builderVersion.equals("2")) {
      return new BuilderChoice(Builder.BUILDKIT, "BuildKit (the daemon offers it)");
    }
    if (builderVersion.equals("1")) {
      return new BuilderChoice(
          Builder.CLASSIC, "classic (the daemon's default builder: Builder-Version 1)");
    }
    return new BuilderChoice(
        Builder.BUILDKIT,
        "BuildKit (the daemon has it"
            + (daemon.apiVersion() == null ? "" : ": Engine API " + daemon.apiVersion())
            + ")");
  }

  /** Why the daemon cannot build with BuildKit at all; null if it can. */
  private static @Nullable String withoutBuildKit(Daemon daemon) {
    if (daemon.podman()) {
      return "the daemon is Podman, which builds with its own builder";
    }
    if (daemon.os() != null && daemon.os().trim().equalsIgnoreCase("windows")) {
      return "Windows daemons have no BuildKit";
    }
    if (daemon.apiVersion() != null
        && DockerConnector.compareVersions(daemon.apiVersion(), FIRST_BUILDKIT_API) < 0) {
      return "Engine API " + daemon.apiVersion() + " has no BuildKit; 1.39, Docker 18.09, has";
    }
    return null;
  }
}

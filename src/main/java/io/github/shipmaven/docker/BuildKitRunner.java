package io.github.shipmaven.docker;

import io.github.shipmaven.context.BuildContext;

/**
 * A BuildKit build of a checked request, once its base images are in place: the {@code buildkit}
 * package's (which uses this package, never the other way round). {@link ImageBuilder} does what
 * both builders share and hands BuildKit builds to it.
 */
@FunctionalInterface
public interface BuildKitRunner {
  /**
   * Builds; returns the image id ({@code sha256:…}).
   *
   * @param pull whether BuildKit itself should pull base images ({@code pull=1})
   */
  String build(
      DockerDaemon daemon, ImageBuilder.Request request, BuildContext context, boolean pull);

  /**
   * Whether the build's session answers BuildKit's registry logins: then BuildKit pulls base images
   * behind a login itself, and nothing is pulled before the build.
   */
  default boolean logsIn() {
    return false;
  }

  /** For a build that does not use BuildKit (the classic builder, Podman): never called. */
  BuildKitRunner NONE =
      (daemon, request, context, pull) -> {
        throw new IllegalStateException("no BuildKit runner was given to this ImageBuilder");
      };
}

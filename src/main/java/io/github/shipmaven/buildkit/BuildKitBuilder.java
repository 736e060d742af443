package io.github.shipmaven.buildkit;

import io.github.shipmaven.context.BuildContext;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.docker.BuildKitRunner;
import io.github.shipmaven.docker.DockerDaemon;
import io.github.shipmaven.docker.ImageBuilder;
import java.util.List;

/**
 * Runs BuildKit builds for {@link ImageBuilder}: each through a {@link Session} of its own, as the
 * docker CLI does. Nothing of the session loads before a BuildKit build runs.
 */
public final class BuildKitBuilder implements BuildKitRunner {
  private final ShipLog log;
  private final List<GrpcMethod> services;

  public BuildKitBuilder(ShipLog log) {
    this(log, List.of());
  }

  /**
   * @param services methods the session serves beside Health (and, for the context, FileSync)
   */
  public BuildKitBuilder(ShipLog log, List<GrpcMethod> services) {
    this.log = log;
    this.services = List.copyOf(services);
  }

  @Override
  public boolean logsIn() {
    return BuildServices.logsIn(services);
  }

  @Override
  public String build(
      DockerDaemon daemon, ImageBuilder.Request request, BuildContext context, boolean pull) {
    return BuildKitBuild.run(daemon, request, context, pull, services, log);
  }
}

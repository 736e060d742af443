package io.github.shipmaven.maven;

import io.github.shipmaven.core.ShipProperties;
import io.github.shipmaven.plan.Goal;
import io.github.shipmaven.plan.ShipPlan;
import io.github.shipmaven.plan.ShipSettings;
import io.github.shipmaven.plan.ShipSteps;
import javax.inject.Inject;
import org.apache.maven.lifecycle.LifecycleExecutor;
import org.apache.maven.plugin.MavenPluginManager;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Pushes every tag of the image and records the manifest digest the registry confirmed. A push that
 * the registry did not confirm fails the build.
 */
@Mojo(name = "push", defaultPhase = LifecyclePhase.DEPLOY, threadSafe = true)
public class PushMojo extends AbstractShipMojo {

  /**
   * Skips this goal only.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.PUSH_SKIP, defaultValue = "false")
  boolean skipPush;

  /**
   * How many times a transient push failure (any 5xx, a reset, a timeout, a cut connection, a
   * stall) is retried, with backoff. A refused login is never retried.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.PUSH_RETRIES, defaultValue = "3")
  int retries;

  /**
   * How long a push may make no progress (no layer advancing) before it is abandoned; ISO-8601,
   * e.g. {@code PT2M}. On an engine whose retry starts a new upload (Podman, Docker's containerd
   * image store) the stall is retried as a transient failure; on one that keeps the stuck upload
   * going and would let a retry join it (Docker's graphdriver store) the push fails at once. Podman
   * reports no progress: there this bounds each tag's push as a whole, plus one second per MB of
   * the image.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.PUSH_STALL_TIMEOUT, defaultValue = "PT2M")
  String pushStallTimeout;

  @Inject
  public PushMojo(
      SettingsDecrypter decrypter, LifecycleExecutor lifecycle, MavenPluginManager plugins) {
    super(decrypter, new MavenExecutions(lifecycle, plugins));
  }

  @Override
  Goal goal() {
    return Goal.PUSH;
  }

  @Override
  String skippedBy() {
    return skipPush ? ShipProperties.PUSH_SKIP : null;
  }

  @Override
  ShipSettings.Push settingsPart() {
    return new ShipSettings.Push(retries, pushStallTimeout);
  }

  @Override
  void run(ShipPlan plan, ShipSteps steps) {
    if (branchAllows(plan)) {
      String digest = steps.push(docker());
      project.getProperties().setProperty(ShipProperties.IMAGE_DIGEST, digest);
    }
  }
}

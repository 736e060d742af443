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
 * Deploys exactly the pushed image to Render: through the deploy hook with {@code
 * imgURL=<image>@<digest>}, or through Render's API with {@code renderServiceId}. With {@code
 * wait}, follows the deploy until it is live.
 */
@Mojo(name = "deploy", defaultPhase = LifecyclePhase.DEPLOY, threadSafe = true)
public class DeployMojo extends AbstractShipMojo {

  /**
   * Skips this goal only.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.DEPLOY_SKIP, defaultValue = "false")
  boolean skipDeploy;

  /**
   * When no digest was pushed from this commit (push skipped), deploy the first tag instead of
   * failing. A tag can move: Render then deploys whatever it points to when it pulls.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.RENDER_ALLOW_TAG_DEPLOY, defaultValue = "false")
  boolean allowTagDeploy;

  /**
   * Refuse, before the push, an image that is not linux/amd64, the only platform Render runs. Turn
   * off for Render-compatible stand-ins that run other platforms.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.RENDER_PLATFORM_CHECK, defaultValue = "true")
  boolean renderPlatformCheck;

  @Inject
  public DeployMojo(
      SettingsDecrypter decrypter, LifecycleExecutor lifecycle, MavenPluginManager plugins) {
    super(decrypter, new MavenExecutions(lifecycle, plugins));
  }

  @Override
  Goal goal() {
    return Goal.DEPLOY;
  }

  @Override
  String skippedBy() {
    return skipDeploy ? ShipProperties.DEPLOY_SKIP : null;
  }

  @Override
  ShipSettings.Deploy settingsPart() {
    return new ShipSettings.Deploy(allowTagDeploy, renderPlatformCheck);
  }

  @Override
  void run(ShipPlan plan, ShipSteps steps) {
    if (branchAllows(plan)) {
      steps.deploy();
    }
  }
}

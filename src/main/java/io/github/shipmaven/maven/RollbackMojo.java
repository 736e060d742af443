package io.github.shipmaven.maven;

import io.github.shipmaven.core.ShipProperties;
import io.github.shipmaven.plan.Goal;
import io.github.shipmaven.plan.ShipPlan;
import io.github.shipmaven.plan.ShipSettings;
import io.github.shipmaven.plan.ShipSteps;
import javax.inject.Inject;
import org.apache.maven.lifecycle.LifecycleExecutor;
import org.apache.maven.plugin.MavenPluginManager;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Rolls the Render service back to its previous live deploy, or to {@code ship.render.deployId},
 * without a rebuild, and follows the rollback until it is live. Needs the service ({@code
 * renderServiceId}, or the deploy hook's) and {@code RENDER_API_KEY}.
 */
@Mojo(name = "rollback", threadSafe = true)
public class RollbackMojo extends AbstractShipMojo {

  /**
   * The deploy to go back to, {@code dep-…}; default the service's previous live deploy.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.RENDER_DEPLOY_ID)
  String deployId;

  @Inject
  public RollbackMojo(
      SettingsDecrypter decrypter, LifecycleExecutor lifecycle, MavenPluginManager plugins) {
    super(decrypter, new MavenExecutions(lifecycle, plugins));
  }

  @Override
  Goal goal() {
    return Goal.ROLLBACK;
  }

  @Override
  String skippedBy() {
    return null;
  }

  @Override
  ShipSettings.Rollback settingsPart() {
    return new ShipSettings.Rollback(deployId);
  }

  @Override
  void run(ShipPlan plan, ShipSteps steps) {
    steps.rollback(deployId == null || deployId.isBlank() ? null : deployId.trim());
  }
}

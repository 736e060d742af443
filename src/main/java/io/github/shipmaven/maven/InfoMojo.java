package io.github.shipmaven.maven;

import io.github.shipmaven.core.ShipProperties;
import io.github.shipmaven.plan.Goal;
import io.github.shipmaven.plan.ShipPlan;
import io.github.shipmaven.plan.ShipSteps;
import java.util.List;
import javax.inject.Inject;
import org.apache.maven.lifecycle.LifecycleExecutor;
import org.apache.maven.plugin.MavenPluginManager;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Prints the plan: git facts, image references, whether push and deploy would run on this branch,
 * where credentials would come from (never the secrets), and the engine. Changes nothing.
 */
@Mojo(name = "info", threadSafe = true)
public class InfoMojo extends AbstractShipMojo {

  /**
   * The builder to report: {@code auto}, {@code buildkit} or {@code classic}, as ship:build takes
   * it.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.BUILDER, defaultValue = "auto")
  String builder;

  /**
   * The build secrets to report, as ship:build takes them: their ids and sources, never values.
   *
   * @since 0.1.0
   */
  @Parameter List<Secret> secrets;

  /**
   * The SSH agents to report, as ship:build takes them.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.SSH)
  String ssh;

  @Inject
  public InfoMojo(
      SettingsDecrypter decrypter, LifecycleExecutor lifecycle, MavenPluginManager plugins) {
    super(decrypter, new MavenExecutions(lifecycle, plugins));
  }

  @Override
  Goal goal() {
    return Goal.INFO;
  }

  @Override
  String skippedBy() {
    return null;
  }

  @Override
  void run(ShipPlan plan, ShipSteps steps) {
    steps.info(planner(), this::docker, builder);
    steps.infoSession(BuildMojo.secretSettings(secrets), ssh);
  }
}

package io.github.shipmaven.maven;

import io.github.shipmaven.plan.Goal;
import java.util.List;
import java.util.Map;

/**
 * The other executions of this plugin that Maven will run in this build, for this project, with
 * their settings exactly as Maven will configure them: the first goal of a pipeline reads them to
 * check every setting before anything is built, pushed or deployed.
 */
interface ShipExecutions {
  /** The settings of the other ship executions in this project's build. */
  List<AbstractShipMojo.Execution> others(AbstractShipMojo current);

  /** For {@code ship:info}: each goal and where the POM binds it. */
  Map<Goal, String> bindings(AbstractShipMojo current);
}

package io.github.shipmaven.maven;

import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.plan.Goal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.lifecycle.LifecycleExecutor;
import org.apache.maven.model.Plugin;
import org.apache.maven.model.PluginExecution;
import org.apache.maven.plugin.MavenPluginManager;
import org.apache.maven.plugin.Mojo;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.PluginConfigurationException;
import org.apache.maven.plugin.PluginContainerException;
import org.apache.maven.plugin.descriptor.MojoDescriptor;
import org.apache.maven.plugin.descriptor.PluginDescriptor;

/**
 * The build's own execution plan: what Maven computed for this project from the command line, with
 * each execution's configuration, on any lifecycle and packaging. Each other ship execution is
 * configured by Maven itself into a mojo, so {@code -D} properties, plugin and execution
 * configuration and defaults all count exactly as they will when it runs.
 */
final class MavenExecutions implements ShipExecutions {
  private final LifecycleExecutor lifecycle;
  private final MavenPluginManager plugins;

  MavenExecutions(LifecycleExecutor lifecycle, MavenPluginManager plugins) {
    this.lifecycle = lifecycle;
    this.plugins = plugins;
  }

  @Override
  public List<AbstractShipMojo.Execution> others(AbstractShipMojo current) {
    MavenSession session = current.session;
    MojoExecution self = current.mojoExecution;
    if (session == null || self == null || session.getGoals() == null) {
      return List.of();
    }
    PluginDescriptor ours = self.getMojoDescriptor().getPluginDescriptor();
    List<AbstractShipMojo.Execution> others = new ArrayList<>();
    List<MojoExecution> plan;
    try {
      plan =
          lifecycle
              .calculateExecutionPlan(session, session.getGoals().toArray(String[]::new))
              .getMojoExecutions();
    } catch (Exception e) {
      current
          .getLog()
          .warn(
              "Could not read this build's execution plan ("
                  + e.getMessage()
                  + "): checking the settings of ship:"
                  + current.goal().id()
                  + " alone.");
      return List.of();
    }
    for (MojoExecution execution : plan) {
      MojoDescriptor mojo = execution.getMojoDescriptor();
      boolean same =
          mojo != null
              && mojo.getPluginDescriptor().getGroupId().equals(ours.getGroupId())
              && mojo.getPluginDescriptor().getArtifactId().equals(ours.getArtifactId());
      if (!same
          || Goal.of(mojo.getGoal()) == null
          || (execution.getExecutionId().equals(self.getExecutionId())
              && mojo.getGoal().equals(self.getGoal()))) {
        continue;
      }
      try {
        Mojo configured = plugins.getConfiguredMojo(Mojo.class, session, execution);
        try {
          if (configured instanceof AbstractShipMojo other) {
            others.add(other.execution());
          }
        } finally {
          plugins.releaseMojo(configured, execution);
        }
      } catch (PluginConfigurationException | PluginContainerException e) {
        throw ShipException.config(
            "ship:"
                + mojo.getGoal()
                + " (execution "
                + execution.getExecutionId()
                + ") cannot be configured: "
                + e.getMessage());
      }
    }
    return others;
  }

  @Override
  public Map<Goal, String> bindings(AbstractShipMojo current) {
    Map<Goal, String> bindings = new EnumMap<>(Goal.class);
    MojoExecution self = current.mojoExecution;
    if (self == null || current.project == null) {
      return bindings;
    }
    PluginDescriptor ours = self.getMojoDescriptor().getPluginDescriptor();
    Plugin declared = current.project.getPlugin(ours.getGroupId() + ":" + ours.getArtifactId());
    if (declared == null) {
      return bindings;
    }
    for (PluginExecution execution : declared.getExecutions()) {
      for (String goalId : execution.getGoals()) {
        Goal goal = Goal.of(goalId);
        MojoDescriptor mojo = ours.getMojo(goalId);
        String phase =
            execution.getPhase() != null
                ? execution.getPhase()
                : mojo == null ? null : mojo.getPhase();
        if (goal != null) {
          bindings.putIfAbsent(goal, phase == null ? "bound in the POM" : "bound to " + phase);
        }
      }
    }
    return bindings;
  }
}

package io.github.shipmaven.maven;

import java.util.List;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.model.Plugin;
import org.apache.maven.model.PluginExecution;
import org.apache.maven.plugin.descriptor.MojoDescriptor;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.project.MavenProject;

/**
 * Which ship goals this Maven invocation will run: named on the command line, or bound to a phase
 * the command line reaches. The first ship goal validates the whole plan with this, so a bad hook
 * URL stops the build before anything is pushed.
 */
final class BuildGoals {
  private static final List<String> DEFAULT_LIFECYCLE =
      List.of(
          "validate",
          "initialize",
          "generate-sources",
          "process-sources",
          "generate-resources",
          "process-resources",
          "compile",
          "process-classes",
          "generate-test-sources",
          "process-test-sources",
          "generate-test-resources",
          "process-test-resources",
          "test-compile",
          "process-test-classes",
          "test",
          "prepare-package",
          "package",
          "pre-integration-test",
          "integration-test",
          "post-integration-test",
          "verify",
          "install",
          "deploy");

  private final List<String> commandLine;
  private final MavenProject project;
  private final PluginDescriptor plugin;

  BuildGoals(MavenSession session, MavenProject project, PluginDescriptor plugin) {
    this.commandLine =
        session == null || session.getGoals() == null ? List.of() : session.getGoals();
    this.project = project;
    this.plugin = plugin;
  }

  /** Whether {@code goal} of this plugin runs in this invocation. */
  boolean willRun(String goal) {
    return named(goal)
        || (isBound(goal) && lastPhase() >= DEFAULT_LIFECYCLE.indexOf(phaseOf(goal)));
  }

  /** Whether {@code goal} is bound in the POM at all (for ship:info). */
  boolean isBound(String goal) {
    return execution(goal) != null;
  }

  private boolean named(String goal) {
    String prefix = plugin == null ? "ship" : plugin.getGoalPrefix();
    String key = plugin == null ? "" : plugin.getGroupId() + ":" + plugin.getArtifactId() + ":";
    return commandLine.stream()
        .anyMatch(
            g ->
                g.equals(prefix + ":" + goal)
                    || (!key.isEmpty() && g.startsWith(key) && g.endsWith(":" + goal)));
  }

  private int lastPhase() {
    return commandLine.stream().mapToInt(DEFAULT_LIFECYCLE::indexOf).max().orElse(-1);
  }

  private String phaseOf(String goal) {
    PluginExecution execution = execution(goal);
    if (execution != null && execution.getPhase() != null) {
      return execution.getPhase();
    }
    MojoDescriptor mojo = plugin == null ? null : plugin.getMojo(goal);
    return mojo == null ? "deploy" : mojo.getPhase();
  }

  private PluginExecution execution(String goal) {
    if (plugin == null || project == null) {
      return null;
    }
    Plugin declared = project.getPlugin(plugin.getGroupId() + ":" + plugin.getArtifactId());
    if (declared == null) {
      return null;
    }
    return declared.getExecutions().stream()
        .filter(e -> e.getGoals().contains(goal))
        .findFirst()
        .orElse(null);
  }
}

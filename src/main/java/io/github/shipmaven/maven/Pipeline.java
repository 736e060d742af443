package io.github.shipmaven.maven;

import io.github.shipmaven.docker.DockerDaemon;
import io.github.shipmaven.plan.Goal;
import io.github.shipmaven.plan.ShipPlan;
import io.github.shipmaven.plan.ShipSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.maven.project.MavenProject;
import org.jspecify.annotations.Nullable;

/**
 * What the goals of one pipeline share in one build of a project: the plan, made (git read with
 * JGit, logins and secrets looked up, every setting checked) by the first goal that runs, and one
 * daemon connection for the goals that talk to the daemon. Kept in the project's context: each
 * module of a reactor build has its own, and executions with other settings (another image) have
 * one each.
 */
final class Pipeline {
  private static final String KEY = Pipeline.class.getName();

  /** The goals that talk to the Docker daemon. */
  static final Set<Goal> DAEMON_GOALS = Set.of(Goal.BUILD, Goal.PUSH, Goal.INFO);

  private final ShipSettings settings;
  private @Nullable ShipPlan plan;
  private @Nullable CompletableFuture<DockerDaemon> daemon;
  private int daemonGoalsLeft;

  private Pipeline(ShipSettings settings) {
    this.settings = settings;
    for (Goal goal : settings.running()) {
      if (DAEMON_GOALS.contains(goal)) {
        daemonGoalsLeft++;
      }
    }
  }

  /**
   * The pipeline these settings belong to, made on first use. A list searched with equals, not a
   * map keyed by the settings: hashing them would bootstrap the generated hashCode of five record
   * classes, ~25 ms in a fresh JVM, for the first goal.
   */
  static Pipeline of(MavenProject project, ShipSettings settings) {
    synchronized (project) {
      @SuppressWarnings("unchecked")
      List<Pipeline> known =
          project.getContextValue(KEY) instanceof List<?> list
              ? (List<Pipeline>) list
              : new ArrayList<>();
      project.setContextValue(KEY, known);
      for (Pipeline pipeline : known) {
        if (pipeline.settings.equals(settings)) {
          return pipeline;
        }
      }
      Pipeline pipeline = new Pipeline(settings);
      known.add(pipeline);
      return pipeline;
    }
  }

  /** The plan: the one an earlier goal made, or {@code planner}'s, made now and kept. */
  synchronized ShipPlan plan(Supplier<ShipPlan> planner) {
    if (plan == null) {
      plan = planner.get();
    }
    return plan;
  }

  /**
   * The daemon connection: the one an earlier goal started, or {@code connect}'s, started now. It
   * outlives the goal until {@link #daemonDone} closes it.
   */
  synchronized CompletableFuture<DockerDaemon> daemon(
      Supplier<CompletableFuture<DockerDaemon>> connect) {
    if (daemon == null) {
      daemon = connect.get();
    }
    return daemon;
  }

  /**
   * A goal that talked to the daemon is done. The last such goal of the pipeline closes the
   * connection, and so does a failing one (the build stops there); a goal that runs after it anyway
   * (bound twice) connects again.
   */
  synchronized void daemonDone(boolean failed) {
    daemonGoalsLeft--;
    if (daemon != null && (failed || daemonGoalsLeft <= 0)) {
      daemon.thenAccept(DockerDaemon::close);
      daemon = null;
    }
  }
}

package io.github.shipmaven.plan;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Every raw setting of one pipeline, as the POM, the command line and the environment give them,
 * unchecked: the planner's whole input. A goal's part is null when that goal does not run. The
 * goals of one pipeline read equal settings, whichever of them asks: that is how they find the plan
 * the first of them made.
 *
 * @param running the goals of this plugin that run in this pipeline, the asking one included
 * @param skipped goals that would run but are skipped, with the flag that skips them
 */
public record ShipSettings(
    Set<Goal> running,
    Map<Goal, String> skipped,
    Project project,
    Common common,
    Render render,
    @Nullable Build build,
    @Nullable Push push,
    @Nullable Deploy deploy,
    @Nullable Rollback rollback,
    Map<String, String> env,
    Path home) {

  /**
   * The Maven project the pipeline ships.
   *
   * @param bindings for {@code ship:info}: each goal and where the POM binds it, e.g. {@code "bound
   *     to deploy"}
   */
  public record Project(
      Path basedir,
      Path buildDirectory,
      String artifactId,
      String name,
      String version,
      String outputTimestamp,
      Map<Goal, String> bindings) {}

  /** What every goal reads. */
  public record Common(
      String image,
      List<String> tags,
      List<String> branches,
      boolean allowDirty,
      String dockerHost,
      String serverId) {}

  /** Where Render is and where its secrets come from: read by deploy, rollback and info. */
  public record Render(
      String hookServerId,
      String apiKeyServerId,
      String serviceId,
      String apiUrl,
      boolean waitForLive,
      String timeout,
      String pollInterval) {}

  /** {@code ship:build}. */
  public record Build(
      Path dockerfile,
      Path contextDirectory,
      Map<String, String> buildArgs,
      Map<String, String> labels,
      String target,
      String platform,
      boolean pull,
      boolean noCache,
      String builder,
      String network,
      List<String> cacheFrom,
      List<Secret> secrets,
      @Nullable String ssh) {}

  /**
   * One {@code <secret>} of {@code <secrets>}, unchecked: an id and (should have) exactly one of
   * {@code env} (a variable's name) and {@code file}.
   */
  public record Secret(@Nullable String id, @Nullable String env, @Nullable Path file) {}

  /** {@code ship:push}. */
  public record Push(int retries, String stallTimeout) {}

  /** {@code ship:deploy}. */
  public record Deploy(boolean allowTagDeploy, boolean platformCheck) {}

  /** {@code ship:rollback}. */
  public record Rollback(String deployId) {}

  /** Without the environment, which holds secrets. */
  @Override
  public String toString() {
    return "ShipSettings[" + running + ", " + common + ", " + render + "]";
  }

  /** Whether {@code goal} runs in this pipeline. */
  public boolean runs(Goal goal) {
    return running.contains(goal);
  }
}

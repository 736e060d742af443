package io.github.shipmaven.maven;

import io.github.shipmaven.core.ShipProperties;
import io.github.shipmaven.plan.Goal;
import io.github.shipmaven.plan.ShipPlan;
import io.github.shipmaven.plan.ShipSettings;
import io.github.shipmaven.plan.ShipSteps;
import java.io.File;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import org.apache.maven.lifecycle.LifecycleExecutor;
import org.apache.maven.plugin.MavenPluginManager;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/** Builds the image from the Dockerfile, labels it, and tags it with every tag. */
@Mojo(name = "build", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class BuildMojo extends AbstractShipMojo {

  /**
   * Skips this goal only.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.BUILD_SKIP, defaultValue = "false")
  boolean skipBuild;

  /**
   * The Dockerfile.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.DOCKERFILE, defaultValue = "${project.basedir}/Dockerfile")
  File dockerfile;

  /**
   * The build context sent to the daemon; its {@code .dockerignore} is honoured.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.CONTEXT, defaultValue = "${project.basedir}")
  File contextDirectory;

  /**
   * Build arguments ({@code ARG} values).
   *
   * @since 0.1.0
   */
  @Parameter Map<String, String> buildArgs;

  /**
   * Extra image labels; they may override the OCI labels the plugin adds.
   *
   * @since 0.1.0
   */
  @Parameter Map<String, String> labels;

  /**
   * The stage of a multi-stage Dockerfile to build; default the last.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.TARGET)
  String target;

  /**
   * The platform to build for, e.g. {@code linux/amd64}; default the daemon's.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.PLATFORM)
  String platform;

  /**
   * Always pull newer versions of base images.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.PULL, defaultValue = "false")
  boolean pull;

  /**
   * Build without the daemon's layer cache.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.NO_CACHE, defaultValue = "false")
  boolean noCache;

  /**
   * Which builder builds: {@code auto} (BuildKit on Linux daemons that have it, the classic builder
   * elsewhere and when {@code DOCKER_BUILDKIT=0}), {@code buildkit} or {@code classic}.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.BUILDER, defaultValue = "auto")
  String builder;

  /**
   * The network of {@code RUN} steps: {@code default}, {@code host} or {@code none} (BuildKit
   * accepts no other).
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.NETWORK, defaultValue = "default")
  String network;

  /**
   * Images whose layers the build may reuse as cache, e.g. the last pushed {@code :latest}.
   *
   * @since 0.1.0
   */
  @Parameter List<String> cacheFrom;

  /**
   * Build secrets for {@code RUN --mount=type=secret,id=…}, as {@code docker build --secret}: each
   * {@code <secret>} has an {@code <id>} and exactly one source, {@code <env>} (an environment
   * variable's name) or {@code <file>} (a file). Values are read only when BuildKit asks, and never
   * reach a log, the image or its history. A source that is missing stops the build before it
   * starts; an id the Dockerfile needs and this list lacks is not found. BuildKit only.
   *
   * @since 0.1.0
   */
  @Parameter List<Secret> secrets;

  /**
   * SSH agents for {@code RUN --mount=type=ssh}, in the docker CLI's {@code --ssh} syntax: {@code
   * default} (the agent at {@code SSH_AUTH_SOCK}), {@code default=/path/to/agent.sock}, {@code
   * id=/path/to/agent.sock}, several separated by commas. Each agent's socket is checked before the
   * build. BuildKit only; none by default.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.SSH)
  String ssh;

  @Inject
  public BuildMojo(
      SettingsDecrypter decrypter, LifecycleExecutor lifecycle, MavenPluginManager plugins) {
    super(decrypter, new MavenExecutions(lifecycle, plugins));
  }

  @Override
  Goal goal() {
    return Goal.BUILD;
  }

  @Override
  String skippedBy() {
    return skipBuild ? ShipProperties.BUILD_SKIP : null;
  }

  @Override
  ShipSettings.Build settingsPart() {
    return new ShipSettings.Build(
        dockerfile == null ? null : dockerfile.toPath(),
        contextDirectory == null ? null : contextDirectory.toPath(),
        buildArgs == null ? Map.of() : buildArgs,
        labels == null ? Map.of() : labels,
        target,
        platform,
        pull,
        noCache,
        builder,
        network,
        cacheFrom == null ? List.of() : cacheFrom,
        secretSettings(secrets),
        ssh);
  }

  /** The {@code <secret>} entries as the planner takes them; a Maven-made null entry is kept. */
  static List<ShipSettings.Secret> secretSettings(List<Secret> secrets) {
    return secrets == null
        ? List.of()
        : secrets.stream()
            .map(
                s ->
                    s == null
                        ? new ShipSettings.Secret(null, null, null)
                        : new ShipSettings.Secret(
                            s.id, s.env, s.file == null ? null : s.file.toPath()))
            .toList();
  }

  @Override
  void run(ShipPlan plan, ShipSteps steps) {
    String imageId = steps.build(docker());
    project.getProperties().setProperty(ShipProperties.IMAGE_ID, imageId);
  }
}

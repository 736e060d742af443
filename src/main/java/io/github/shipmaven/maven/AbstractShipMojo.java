package io.github.shipmaven.maven;

import io.github.shipmaven.core.Secrets;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.core.ShipProperties;
import io.github.shipmaven.core.Sleeper;
import io.github.shipmaven.docker.DockerConnector;
import io.github.shipmaven.docker.DockerDaemon;
import io.github.shipmaven.plan.Goal;
import io.github.shipmaven.plan.ShipPlan;
import io.github.shipmaven.plan.ShipPlanner;
import io.github.shipmaven.plan.ShipSettings;
import io.github.shipmaven.plan.ShipSteps;
import io.github.shipmaven.registry.RegistryCredentials;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.jspecify.annotations.Nullable;

/**
 * What every ship goal shares: the settings every goal reads, reading them into the planner's
 * record, and the one place where core failures become Maven's. The goals themselves read their own
 * parameters, call the planner and run a step.
 */
abstract class AbstractShipMojo extends AbstractMojo {
  private static final String SECRETS_KEY = Secrets.class.getName();

  /**
   * Skips every ship goal.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.SKIP, defaultValue = "false")
  boolean skip;

  /**
   * The image repository, without tag: {@code docker.io/team/app}, {@code team/app} or {@code
   * 127.0.0.1:5000/team/app}. Write it as the Render service's image URL writes it. Required: a
   * goal that runs without it fails before any work. It is not marked required for Maven, whose own
   * message for a missing parameter names neither {@code ship.image} nor the fix, and which would
   * refuse even a goal skipped with {@code ship.skip}.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.IMAGE)
  String image;

  /**
   * Tag templates. Placeholders: {@code {sha}} (40 hex), {@code {shortSha}} (7), {@code {branch}}
   * (made valid as a tag), {@code {version}} (project version, made valid as a tag), {@code
   * {gitTag}} (exact git tag at HEAD, made valid as a tag; of several, the highest version as
   * {@code git tag --sort=v:refname} orders them; a template using it is dropped when there is
   * none).
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.TAGS, defaultValue = "{sha},latest")
  List<String> tags;

  /**
   * Branch globs on which {@code ship:push} and {@code ship:deploy} run ({@code main}, {@code
   * release/*}); empty means every branch. On a detached HEAD the branch comes from the CI's
   * environment.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.BRANCHES)
  List<String> branches;

  /**
   * Lets {@code ship:push} and {@code ship:deploy} ship a tree with uncommitted changes to tracked
   * files; its {@code {sha}} tags then end in {@code -dirty}.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.ALLOW_DIRTY, defaultValue = "false")
  boolean allowDirty;

  /**
   * The Docker daemon, e.g. {@code unix:///var/run/docker.sock} or {@code tcp://host:2376}.
   * Default: {@code DOCKER_HOST}, else the local sockets. TLS from {@code DOCKER_TLS_VERIFY}/{@code
   * DOCKER_CERT_PATH}.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.DOCKER_HOST)
  String dockerHost;

  /**
   * The settings.xml {@code <server>} with the registry login. Default: the registry host, then the
   * host without port.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.SERVER_ID)
  String serverId;

  /**
   * A settings.xml {@code <server>} whose password is the Render deploy hook URL; used when {@code
   * RENDER_DEPLOY_HOOK_URL} is not set. The hook is a secret, so it is never a parameter itself.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.RENDER_SERVER_ID)
  String renderServerId;

  /**
   * A settings.xml {@code <server>} whose password is the Render API key, used when {@code
   * RENDER_API_KEY} is not set.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.RENDER_API_KEY_SERVER_ID)
  String renderApiKeyServerId;

  /**
   * The Render service, {@code srv-…}: deploys go through Render's REST API with the API key alone,
   * no hook needed (a hook, when set, wins), and {@code ship:rollback} rolls it back.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.RENDER_SERVICE_ID)
  String renderServiceId;

  /**
   * Render's API; a Render-compatible stand-in may be named here. Plain {@code http} is accepted
   * for loopback hosts only.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.RENDER_API_URL, defaultValue = "https://api.render.com")
  String renderApiUrl;

  /**
   * Whether {@code ship:deploy} waits until Render reports the deploy live (needs {@code
   * RENDER_API_KEY}).
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.RENDER_WAIT, defaultValue = "false")
  boolean wait;

  /**
   * How long following a deploy (or a rollback) may take, ISO-8601 ({@code PT10M}).
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.RENDER_TIMEOUT, defaultValue = "PT10M")
  String timeout;

  /**
   * How often a deploy being followed is asked about, ISO-8601.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.RENDER_POLL_INTERVAL, defaultValue = "PT5S")
  String pollInterval;

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  MavenProject project;

  @Parameter(defaultValue = "${session}", readonly = true, required = true)
  MavenSession session;

  @Parameter(defaultValue = "${settings}", readonly = true)
  Settings settings;

  @Parameter(defaultValue = "${mojoExecution}", readonly = true)
  MojoExecution mojoExecution;

  private final SettingsDecrypter decrypter;

  /** The other ship executions of this build; tests replace it. */
  ShipExecutions executions;

  /** The process environment; tests replace it. */
  Map<String, String> environment = System.getenv();

  /** The clock; tests replace it. */
  Clock clock = Clock.systemUTC();

  /** Waits between retries and polls; tests replace it. */
  Sleeper sleeper = Sleeper.REAL;

  /** The user's home, where docker keeps its config; tests replace it. */
  Path home = home(environment, System.getProperty("user.home"));

  private @Nullable CompletableFuture<DockerDaemon> docker;

  /**
   * The home the docker CLI takes for {@code ~/.docker} (config.json, contexts, TLS files, the
   * Desktop socket): {@code HOME}, else the account's. Java's {@code user.home} is the account's
   * alone, which differs where a job sets its own {@code HOME} (GitHub Actions' container jobs run
   * as root with {@code HOME=/github/home}, where {@code docker login} wrote the login).
   */
  static Path home(Map<String, String> env, String account) {
    String fromEnv = env.getOrDefault("HOME", "");
    if (!fromEnv.isBlank()) {
      try {
        return Path.of(fromEnv);
      } catch (InvalidPathException e) {
        // not a path this JVM can spell: the account's home, as when HOME is unset
      }
    }
    return Path.of(account);
  }

  AbstractShipMojo(SettingsDecrypter decrypter, ShipExecutions executions) {
    this.decrypter = decrypter;
    this.executions = executions;
  }

  /** This goal. */
  abstract Goal goal();

  /** The property of the goal's own skip flag when it is set, else null. */
  abstract String skippedBy();

  /** The goal's own settings for the planner; null for a goal without any. */
  @Nullable Object settingsPart() {
    return null;
  }

  /** The goal's work, with the plan validated. */
  abstract void run(ShipPlan plan, ShipSteps steps);

  /**
   * Whether the goal talks to the Docker daemon: then the first such goal of the pipeline connects
   * while the plan is made, and the later ones use its connection.
   */
  final boolean needsDocker() {
    return Pipeline.DAEMON_GOALS.contains(goal());
  }

  /** One execution's settings, as the planner takes them: see {@link ShipExecutions}. */
  record Execution(
      Goal goal,
      @Nullable String skippedBy,
      ShipSettings.Common common,
      ShipSettings.Render render,
      @Nullable Object part) {}

  final Execution execution() {
    return new Execution(
        goal(), skip ? ShipProperties.SKIP : skippedBy(), common(), render(), settingsPart());
  }

  @Override
  public final void execute() throws MojoExecutionException, MojoFailureException {
    String skippedBy = skip ? ShipProperties.SKIP : skippedBy();
    if (skippedBy != null) {
      getLog().info("Skipping ship:" + goal().id() + " (" + skippedBy + ").");
      return;
    }
    Secrets secrets = secrets();
    boolean failed = true;
    Pipeline pipeline = null;
    try {
      ShipSettings settings = settings();
      pipeline = Pipeline.of(project, settings);
      // Connecting to the daemon costs a fresh JVM ~0.3 s: the first goal that needs it does it
      // while the plan is made; the later goals of the pipeline use that connection.
      docker = needsDocker() ? pipeline.daemon(this::connect) : null;
      ShipPlan plan = plan(pipeline, settings);
      ShipSteps steps = new ShipSteps(plan, log(), clock, sleeper);
      run(plan, steps);
      failed = false;
    } catch (ShipException e) {
      String message = secrets.redact(e.getMessage());
      if (e.kind() == ShipException.Kind.CONFIG) {
        throw new MojoFailureException(message);
      }
      throw new MojoExecutionException(message, RedactedException.of(e.getCause(), secrets));
    } catch (RuntimeException e) {
      throw new MojoExecutionException(
          "ship:" + goal().id() + " failed: " + secrets.redact(String.valueOf(e.getMessage())),
          RedactedException.of(e, secrets));
    } finally {
      if (docker != null) {
        pipeline.daemonDone(failed);
        docker = null;
      }
    }
  }

  private CompletableFuture<DockerDaemon> connect() {
    return CompletableFuture.supplyAsync(
        () -> new DockerConnector(environment, home, log()).connect(dockerHost));
  }

  /** The daemon connection started with the goal; fails as connecting failed. */
  final DockerDaemon docker() {
    try {
      return docker != null
          ? docker.join()
          : new DockerConnector(environment, home, log()).connect(dockerHost);
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }

  /**
   * The validated plan of this pipeline: made by the first ship goal that runs, for every goal of
   * it that runs, and shared by the others (one git read per build, not one per goal).
   */
  private ShipPlan plan(Pipeline pipeline, ShipSettings settings) {
    ShipPlan plan = pipeline.plan(() -> planner().plan(settings));
    project.getProperties().setProperty(ShipProperties.GIT_SHA, plan.git().sha());
    project.getProperties().setProperty(ShipProperties.GIT_SHORT_SHA, plan.git().shortSha());
    if (plan.git().branch() != null) {
      project.getProperties().setProperty(ShipProperties.GIT_BRANCH, plan.git().branch());
    }
    return plan;
  }

  final ShipPlanner planner() {
    SettingsServers servers = new SettingsServers(settings, decrypter, secrets());
    return new ShipPlanner(
        id ->
            servers
                .find(id)
                .map(
                    s ->
                        new RegistryCredentials(
                            s.getUsername(),
                            s.getPassword(),
                            false,
                            "settings.xml server '" + id + "'")),
        secrets(),
        log());
  }

  /**
   * This goal's settings and those of the other executions of its pipeline: the ship executions of
   * this build with the same image and Render settings. A skipped one is recorded as skipped.
   */
  final ShipSettings settings() {
    Set<Goal> running = new LinkedHashSet<>();
    Map<Goal, String> skipped = new EnumMap<>(Goal.class);
    Map<Goal, Object> parts = new EnumMap<>(Goal.class);
    running.add(goal());
    if (settingsPart() != null) {
      parts.put(goal(), settingsPart());
    }
    ShipSettings.Common common = common();
    ShipSettings.Render render = render();
    for (Execution other : goal() == Goal.INFO ? List.<Execution>of() : executions.others(this)) {
      if (!other.common().equals(common) || !other.render().equals(render)) {
        continue; // another pipeline: another image or another Render service
      }
      if (other.skippedBy() != null) {
        skipped.putIfAbsent(other.goal(), other.skippedBy());
        continue;
      }
      running.add(other.goal());
      if (other.part() != null) {
        parts.putIfAbsent(other.goal(), other.part());
      }
    }
    return new ShipSettings(
        Set.copyOf(running),
        Map.copyOf(skipped),
        new ShipSettings.Project(
            project.getBasedir().toPath(),
            Path.of(project.getBuild().getDirectory()),
            project.getArtifactId(),
            project.getName(),
            project.getVersion(),
            project.getProperties().getProperty("project.build.outputTimestamp"),
            goal() == Goal.INFO ? executions.bindings(this) : Map.of()),
        common,
        render,
        (ShipSettings.Build) parts.get(Goal.BUILD),
        (ShipSettings.Push) parts.get(Goal.PUSH),
        (ShipSettings.Deploy) parts.get(Goal.DEPLOY),
        (ShipSettings.Rollback) parts.get(Goal.ROLLBACK),
        environment,
        home);
  }

  private ShipSettings.Common common() {
    return new ShipSettings.Common(image, tags, branches, allowDirty, dockerHost, serverId);
  }

  private ShipSettings.Render render() {
    return new ShipSettings.Render(
        renderServerId,
        renderApiKeyServerId,
        renderServiceId,
        renderApiUrl,
        wait,
        timeout,
        pollInterval);
  }

  /** Whether push/deploy run on this branch; logs the one skip line if not. */
  final boolean branchAllows(ShipPlan plan) {
    if (plan.onBranch()) {
      return true;
    }
    getLog()
        .info(
            "Skipping ship:"
                + goal().id()
                + ": branch '"
                + (plan.git().branch() == null ? "unknown" : plan.git().branch())
                + "' matches none of <branches> ("
                + plan.branches().describe()
                + ").");
    return false;
  }

  final ShipLog log() {
    return new MavenShipLog(getLog(), secrets());
  }

  /** The secrets known to this project's build, shared by its goals. */
  final Secrets secrets() {
    if (project.getContextValue(SECRETS_KEY) instanceof Secrets secrets) {
      return secrets;
    }
    Secrets secrets = new Secrets();
    project.setContextValue(SECRETS_KEY, secrets);
    return secrets;
  }
}

package io.github.shipmaven.maven;

import io.github.shipmaven.core.Secrets;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.docker.DockerConnector;
import io.github.shipmaven.docker.DockerDaemon;
import io.github.shipmaven.git.BranchFilter;
import io.github.shipmaven.git.GitFacts;
import io.github.shipmaven.git.GitReader;
import io.github.shipmaven.image.ImageReference;
import io.github.shipmaven.image.TagTemplates;
import io.github.shipmaven.registry.CredentialResolver;
import io.github.shipmaven.registry.RegistryCredentials;
import io.github.shipmaven.render.DeployHook;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * What every ship goal shares: the common parameters, the plan that the first goal of a build
 * validates whole, and the one place where core failures become Maven's.
 */
abstract class AbstractShipMojo extends AbstractMojo {
  private static final String PLAN_KEY = ShipPlan.class.getName();
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
   * 127.0.0.1:5000/team/app}. Write it as the Render service's image URL writes it.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.IMAGE, required = true)
  String image;

  /**
   * Tag templates. Placeholders: {@code {sha}} (40 hex), {@code {shortSha}} (7), {@code {branch}}
   * (made valid as a tag), {@code {version}} (project version), {@code {gitTag}} (exact git tag at
   * HEAD; a template using it is dropped when there is none).
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
   * host without port. Read by every goal so that the first one can check the login exists.
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
   * A settings.xml {@code <server>} whose password is the Render API key, used by {@code wait} when
   * {@code RENDER_API_KEY} is not set.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.RENDER_API_KEY_SERVER_ID)
  String renderApiKeyServerId;

  /**
   * Whether {@code ship:deploy} waits until Render reports the deploy live (needs {@code
   * RENDER_API_KEY}).
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.RENDER_WAIT, defaultValue = "false")
  boolean wait;

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  MavenProject project;

  @Parameter(defaultValue = "${session}", readonly = true, required = true)
  MavenSession session;

  @Parameter(defaultValue = "${settings}", readonly = true)
  Settings settings;

  @Parameter(defaultValue = "${mojoExecution}", readonly = true)
  MojoExecution mojoExecution;

  private final SettingsDecrypter decrypter;

  private CompletableFuture<DockerDaemon> docker;

  /** The process environment; tests replace it. */
  Map<String, String> environment = System.getenv();

  /** The clock; tests replace it. */
  Clock clock = Clock.systemUTC();

  /** The user's home, where docker keeps its config; tests replace it. */
  Path home = Path.of(System.getProperty("user.home"));

  AbstractShipMojo(SettingsDecrypter decrypter) {
    this.decrypter = decrypter;
  }

  /** The goal's name, for log lines. */
  abstract String goal();

  /** The goal's own skip flag. */
  abstract boolean skipGoal();

  abstract String skipProperty();

  /** The goal's work, with the plan validated. */
  abstract void run(ShipPlan plan);

  @Override
  public final void execute() throws MojoExecutionException, MojoFailureException {
    if (skip || skipGoal()) {
      getLog()
          .info(
              "Skipping ship:"
                  + goal()
                  + " ("
                  + (skip ? ShipProperties.SKIP : skipProperty())
                  + ").");
      return;
    }
    Secrets secrets = secrets();
    // Connecting to the daemon costs a fresh JVM ~0.3 s: do it while the plan is validated.
    docker =
        needsDocker()
            ? CompletableFuture.supplyAsync(
                () -> new DockerConnector(environment, home, log()).connect(dockerHost))
            : null;
    try {
      run(plan());
    } catch (ShipException e) {
      fail(e, secrets);
    } catch (RuntimeException e) {
      throw new MojoExecutionException(
          "ship:" + goal() + " failed: " + secrets.redact(String.valueOf(e.getMessage())),
          RedactedException.of(e, secrets));
    } finally {
      closeDocker();
    }
  }

  /** Core failures become Maven's: what the user must change, or what failed at run time. */
  private static void fail(ShipException e, Secrets secrets)
      throws MojoExecutionException, MojoFailureException {
    String message = secrets.redact(e.getMessage());
    if (e.kind() == ShipException.Kind.CONFIG) {
      throw new MojoFailureException(message);
    }
    throw new MojoExecutionException(message, RedactedException.of(e.getCause(), secrets));
  }

  /** Whether the goal talks to the Docker daemon. */
  boolean needsDocker() {
    return false;
  }

  /** The daemon connection started with the goal; fails as connecting failed. */
  final DockerDaemon docker() {
    try {
      return docker.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }

  private void closeDocker() {
    if (docker != null) {
      docker.thenAccept(DockerDaemon::close);
      docker = null;
    }
  }

  /**
   * The plan of this build, validated by the first ship goal that runs: image, tags, git state, and
   * for the push and deploy goals that will run on this branch, the login and the deploy hook.
   */
  final ShipPlan plan() {
    if (project.getContextValue(PLAN_KEY) instanceof ShipPlan plan) {
      return plan;
    }
    ShipLog log = log();
    ImageReference imageRef = ImageReference.parse(image);
    GitFacts git = new GitReader(environment).read(project.getBasedir().toPath());
    List<String> tagList =
        TagTemplates.render(
            tags == null || tags.isEmpty() ? TagTemplates.DEFAULT : tags,
            git,
            project.getVersion(),
            log);
    BranchFilter filter = new BranchFilter(branches);
    BuildGoals goals = buildGoals();
    boolean onBranch = filter.allows(git.branch());
    boolean pushes = (goal().equals("push") || goals.willRun("push")) && onBranch;
    boolean deploys = (goal().equals("deploy") || goals.willRun("deploy")) && onBranch;
    if ((pushes || deploys) && git.dirty() && !allowDirty) {
      throw ShipException.config(
          "The working tree has uncommitted changes to tracked files ("
              + String.join(", ", git.changedPaths())
              + "): commit them, or set <allowDirty>true</allowDirty> (ship.allowDirty) to ship a"
              + " -dirty image.");
    }
    RegistryCredentials credentials = pushes ? requireCredentials(imageRef) : null;
    DeployHook hook = deploys ? requireDeploySetup() : null;
    ShipPlan plan = new ShipPlan(imageRef, git, tagList, filter, pushes, credentials, hook);
    project.setContextValue(PLAN_KEY, plan);
    project.getProperties().setProperty(ShipProperties.GIT_SHA, git.sha());
    project.getProperties().setProperty(ShipProperties.GIT_SHORT_SHA, git.shortSha());
    if (git.branch() != null) {
      project.getProperties().setProperty(ShipProperties.GIT_BRANCH, git.branch());
    }
    log.debug(
        "Plan: "
            + imageRef.name()
            + " tags "
            + tagList
            + ", branch "
            + git.branch()
            + " ("
            + git.branchSource()
            + "), push "
            + pushes
            + ", deploy "
            + deploys);
    return plan;
  }

  BuildGoals buildGoals() {
    return new BuildGoals(
        session,
        project,
        mojoExecution == null ? null : mojoExecution.getMojoDescriptor().getPluginDescriptor());
  }

  /** Whether push/deploy run on this branch; logs the one skip line if not. */
  final boolean branchAllows(ShipPlan plan) {
    if (plan.branches().allows(plan.git().branch())) {
      return true;
    }
    getLog()
        .info(
            "Skipping ship:"
                + goal()
                + ": branch '"
                + (plan.git().branch() == null ? "unknown" : plan.git().branch())
                + "' matches none of <branches> ("
                + plan.branches().describe()
                + ").");
    return false;
  }

  final CredentialResolver credentialResolver() {
    SettingsServers servers = settingsServers();
    return new CredentialResolver(
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
        environment,
        home,
        log());
  }

  /**
   * The registry login push needs (null for a loopback registry without one). Push calls it again
   * if the plan was made by a goal that did not foresee the push.
   */
  final RegistryCredentials requireCredentials(ImageReference imageRef) {
    CredentialResolver resolver = credentialResolver();
    Optional<RegistryCredentials> found = resolver.resolve(imageRef.registry(), serverId);
    if (found.isEmpty() && !imageRef.isLoopbackRegistry()) {
      throw ShipException.config(
          "No login for registry "
              + imageRef.registry()
              + " (looked in "
              + String.join(", ", resolver.sources(imageRef.registry(), serverId))
              + "): add a settings.xml <server> with id '"
              + imageRef.registry()
              + "', or set SHIP_REGISTRY_USERNAME and SHIP_REGISTRY_PASSWORD.");
    }
    found.ifPresent(c -> secrets().addLogin(c.username(), c.secret()));
    return found.orElse(null);
  }

  /** The deploy hook from RENDER_DEPLOY_HOOK_URL or the settings.xml server; empty if neither. */
  final Optional<DeployHook> deployHook() {
    String fromEnv = environment.getOrDefault(ShipProperties.HOOK_VARIABLE, "");
    if (!fromEnv.isBlank()) {
      return Optional.of(
          registered(DeployHook.parse(fromEnv, "env " + ShipProperties.HOOK_VARIABLE), fromEnv));
    }
    if (renderServerId != null && !renderServerId.isBlank()) {
      Server server =
          settingsServers()
              .find(renderServerId)
              .orElseThrow(
                  () ->
                      ShipException.config(
                          "<renderServerId> (ship.render.serverId) is '"
                              + renderServerId
                              + "' but settings.xml has no <server> with that id: add one whose"
                              + " password is the deploy hook URL."));
      return Optional.of(
          registered(
              DeployHook.parse(
                  server.getPassword(), "settings.xml server '" + renderServerId + "'"),
              server.getPassword()));
    }
    return Optional.empty();
  }

  /** The deploy hook, after checking the API key that waiting needs. */
  final DeployHook requireDeploySetup() {
    DeployHook hook = requireHook();
    if (wait) {
      apiKey()
          .orElseThrow(
              () ->
                  ShipException.config(
                      "<wait> (ship.render.wait) is true but "
                          + ShipProperties.API_KEY_VARIABLE
                          + " is not set: set it (or <renderApiKeyServerId>) to a Render API key,"
                          + " or stop waiting."));
    }
    return hook;
  }

  private DeployHook requireHook() {
    return deployHook()
        .orElseThrow(
            () ->
                ShipException.config(
                    "No Render deploy hook: set "
                        + ShipProperties.HOOK_VARIABLE
                        + ", or <renderServerId> (ship.render.serverId) naming a settings.xml"
                        + " <server> whose password is the hook URL."));
  }

  private DeployHook registered(DeployHook hook, String rawUrl) {
    secrets().add(rawUrl.trim());
    secrets().add(hook.key());
    return hook;
  }

  /** RENDER_API_KEY, else the renderApiKeyServerId server's password; registered as a secret. */
  final Optional<String> apiKey() {
    String key = environment.getOrDefault(ShipProperties.API_KEY_VARIABLE, "");
    if (key.isBlank() && renderApiKeyServerId != null && !renderApiKeyServerId.isBlank()) {
      key =
          settingsServers()
              .find(renderApiKeyServerId)
              .map(Server::getPassword)
              .orElseThrow(
                  () ->
                      ShipException.config(
                          "<renderApiKeyServerId> (ship.render.apiKeyServerId) is '"
                              + renderApiKeyServerId
                              + "' but settings.xml has no <server> with that id: add one whose"
                              + " password is the Render API key."));
    }
    if (key == null || key.isBlank()) {
      return Optional.empty();
    }
    secrets().add(key);
    return Optional.of(key);
  }

  final ShipLog log() {
    return new MavenShipLog(getLog(), secrets());
  }

  final Path shipDirectory() {
    return Path.of(project.getBuild().getDirectory(), "ship");
  }

  final Path imageRecordFile() {
    return shipDirectory().resolve("image.json");
  }

  private SettingsServers settingsServers() {
    return new SettingsServers(settings, decrypter, secrets());
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

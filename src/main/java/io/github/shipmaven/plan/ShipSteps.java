package io.github.shipmaven.plan;

import io.github.shipmaven.buildkit.BuildKitBuilder;
import io.github.shipmaven.buildkit.BuildSecrets;
import io.github.shipmaven.buildkit.SshAgents;
import io.github.shipmaven.context.Builder;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.core.ShipProperties;
import io.github.shipmaven.core.Sleeper;
import io.github.shipmaven.core.StepSummary;
import io.github.shipmaven.docker.BuildKitRunner;
import io.github.shipmaven.docker.BuilderChoice;
import io.github.shipmaven.docker.DockerDaemon;
import io.github.shipmaven.docker.ImageBuilder;
import io.github.shipmaven.docker.ImagePusher;
import io.github.shipmaven.git.GitFacts;
import io.github.shipmaven.registry.CredentialResolver;
import io.github.shipmaven.registry.RegistryCredentials;
import io.github.shipmaven.render.RenderClient;
import io.github.shipmaven.render.RenderTarget;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What each goal does with a validated plan: build, push, deploy. Each step records what it learnt
 * in {@code target/ship/image.json} and, under GitHub Actions, the job summary.
 */
public final class ShipSteps {
  private final ShipPlan plan;
  private final ShipLog log;
  private final Clock clock;
  private final Sleeper sleeper;

  public ShipSteps(ShipPlan plan, ShipLog log, Clock clock, Sleeper sleeper) {
    this.plan = plan;
    this.log = log;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** Where the goals record what they did. */
  public Path recordFile() {
    return plan.settings().project().buildDirectory().resolve("ship").resolve("image.json");
  }

  private Map<String, String> env() {
    return plan.settings().env();
  }

  /** Builds and tags the image; returns its id. */
  public String build(DockerDaemon daemon) {
    BuilderChoice builder = BuilderChoice.detect(plan.settings().build().builder(), daemon, env());
    // The session's services only for a BuildKit build: the classic path loads nothing of them.
    BuildKitRunner buildKit =
        builder.builder() == Builder.BUILDKIT
            ? new BuildKitBuilder(log, plan.services().methods(log))
            : BuildKitRunner.NONE;
    String imageId = new ImageBuilder(daemon, log, buildKit).build(plan.build(), builder);
    ImageRecord.start(recordFile(), plan.image().name())
        .tags(plan.tags())
        .git(plan.git())
        .imageId(imageId)
        .write();
    log.info("Built " + imageId + " tagged " + String.join(", ", plan.references()));
    return imageId;
  }

  /** Render runs linux/amd64 images only. */
  static final String RENDER_PLATFORM = "linux/amd64";

  /** Pushes every tag; returns the digest the registry confirmed. */
  public String push(DockerDaemon daemon) {
    checkPlatform(daemon);
    String digest =
        new ImagePusher(daemon, log, sleeper)
            .push(plan.image(), plan.tags(), plan.login(), plan.push());
    ImageRecord.load(recordFile(), plan.image().name())
        .tags(plan.tags())
        .git(plan.git())
        .digest(digest)
        .write();
    StepSummary.append(
        env(),
        "### Pushed `"
            + plan.image().withDigest(digest)
            + "`\n\nTags: "
            + String.join(", ", plan.tags()),
        log);
    return digest;
  }

  /**
   * Before an image that Render will deploy is pushed: is it linux/amd64? An arm64 laptop's image
   * pushes fine and then fails on Render with "exec format error".
   */
  private void checkPlatform(DockerDaemon daemon) {
    ShipSettings.Deploy deploy = plan.settings().deploy();
    if (plan.render() == null || deploy == null || !deploy.platformCheck()) {
      return;
    }
    String reference = plan.references().get(0);
    String platform = daemon.platformOf(reference);
    if (platform != null && !platform.equals(RENDER_PLATFORM)) {
      throw ShipException.config(
          "Image "
              + reference
              + " was built for "
              + platform
              + ", but Render runs only "
              + RENDER_PLATFORM
              + ": set <platform>linux/amd64</platform> ("
              + ShipProperties.PLATFORM
              + "), which BuildKit cross-builds where the engine can, or"
              + " <renderPlatformCheck>false</renderPlatformCheck> ("
              + ShipProperties.RENDER_PLATFORM_CHECK
              + ") for a Render-compatible stand-in.");
    }
  }

  /**
   * Deploys the digest pushed from this commit (or, when allowed and nothing was pushed, the first
   * tag) to Render, and follows it to live when asked.
   */
  public void deploy() {
    RenderTarget target = plan.render();
    ImageRecord record = ImageRecord.load(recordFile(), plan.image().name());
    String digest = record.digestOf(plan.git().sha()).orElse(null);
    String imageUrl;
    if (digest != null) {
      imageUrl = plan.image().withDigest(digest);
    } else if (plan.settings().deploy().allowTagDeploy()) {
      imageUrl = plan.image().withTag(plan.tags().get(0));
      log.warn(
          "No digest was pushed from this commit: deploying the tag "
              + imageUrl
              + " (allowTagDeploy); Render deploys whatever it points to when it pulls.");
    } else {
      throw ShipException.config(
          "No digest of "
              + plan.image().name()
              + " was pushed from commit "
              + plan.git().shortSha()
              + " ("
              + recordFile()
              + "): run ship:push before ship:deploy (bind both to deploy, push first), or set"
              + " <allowTagDeploy>true</allowTagDeploy> (ship.render.allowTagDeploy) to deploy the tag.");
    }
    RenderClient render = RenderClient.forTarget(target, clock, sleeper, log);
    RenderClient.Triggered triggered =
        target.hook() != null
            ? render.deploy(target.hook(), imageUrl)
            : render.deploy(target.serviceId(), imageUrl);
    String deployId = triggered.deployId();
    log.info(
        "Render deploy "
            + (deployId == null ? "queued" : deployId)
            + " of "
            + imageUrl
            + (target.hook() == null ? " (through the API)" : "")
            + ": "
            + RenderClient.dashboardUrl(target.serviceId(), deployId));
    String status = "triggered";
    if (target.waitForLive()) {
      RenderClient.Deploy deploy = render.await(triggered, target.timeout(), target.pollInterval());
      deployId = deploy.id();
      status = deploy.status();
      log.info("Render deploy " + deployId + " is " + status + ".");
    }
    String link = RenderClient.dashboardUrl(target.serviceId(), deployId);
    record.deploy(deployId, status, link).write();
    StepSummary.append(
        env(),
        "### Render deploy "
            + (deployId == null ? "" : "[" + deployId + "](" + link + ") ")
            + status
            + "\n\nImage: `"
            + imageUrl
            + "`",
        log);
  }

  /**
   * Rolls the service back to its previous live deploy (or to {@code deployId}) and follows the
   * rollback until it is live.
   *
   * @param deployId the deploy to go back to; null for the previous live one
   */
  public void rollback(@Nullable String deployId) {
    RenderTarget target = plan.render();
    RenderClient render = RenderClient.forTarget(target, clock, sleeper, log);
    RenderClient.Triggered triggered = render.rollback(target.serviceId(), deployId);
    RenderClient.Deploy deploy = render.await(triggered, target.timeout(), target.pollInterval());
    String link = RenderClient.dashboardUrl(target.serviceId(), deploy.id());
    log.info("Render rollback " + deploy.id() + " is " + deploy.status() + ": " + link);
    ImageRecord.load(recordFile(), plan.image().name())
        .deploy(deploy.id(), deploy.status(), link)
        .write();
    StepSummary.append(
        env(), "### Render rollback [" + deploy.id() + "](" + link + ") " + deploy.status(), log);
  }

  /**
   * Prints the plan: git facts, image references, which goals run and where they are bound, where
   * the login, the hook and the API key would come from (never the secrets), the engine and the
   * builder it would build with.
   *
   * @param builder the {@code <builder>} setting
   */
  public void info(ShipPlanner planner, Supplier<DockerDaemon> daemon, String builder) {
    ShipSettings settings = plan.settings();
    GitFacts git = plan.git();
    log.info("Image:      " + plan.image().name() + " (registry " + plan.image().registry() + ")");
    log.info(
        "Commit:     "
            + git.sha()
            + (git.dirty()
                ? " with uncommitted changes to " + String.join(", ", git.changedPaths())
                : " (clean)"));
    log.info(
        "Branch:     "
            + (git.branch() == null ? "unknown" : git.branch())
            + " (from "
            + git.branchSource()
            + ")");
    log.info(
        "Source:     "
            + (git.remoteUrl() == null ? "no git remote" : git.remoteUrl())
            + " (the org.opencontainers.image.source label; credentials never shown)");
    log.info("Tags:       " + String.join(", ", plan.references()));
    String branchRule = plan.onBranch() ? "run on this branch" : "are skipped on this branch";
    log.info("Branches:   " + plan.branches().describe() + ": push and deploy " + branchRule);
    for (Goal goal : new Goal[] {Goal.BUILD, Goal.PUSH, Goal.DEPLOY}) {
      log.info(
          String.format(
              "ship:%-7s %s",
              goal.id(), settings.project().bindings().getOrDefault(goal, "not bound")));
    }
    CredentialResolver resolver = planner.credentials(settings);
    String registry = plan.image().registry();
    String serverId = settings.common().serverId();
    log.info(
        "Login:      "
            + resolver
                .resolve(registry, serverId)
                .map(RegistryCredentials::source)
                .orElse(
                    "none found (looked in "
                        + String.join(", ", resolver.sources(registry, serverId))
                        + ")"));
    log.info("Deploy hook: " + described(() -> hook(planner)));
    log.info(
        "Render API: "
            + described(() -> apiKey(planner))
            + (settings.render().waitForLive()
                ? "; ship:deploy waits for the deploy"
                : "; ship:deploy does not wait"));
    log.info("Engine:     " + described(() -> engine(daemon)));
    log.info(
        "Builder:    "
            + described(() -> builderLine(BuilderChoice.detect(builder, daemon.get(), env()))));
    log.info("Platform:   " + described(() -> platform(daemon)));
  }

  /**
   * Prints what a BuildKit build's session would serve: the ids of {@code <secrets>} and where each
   * value comes from (never the value), and the ids of {@code <ssh>} with their agents' sockets.
   */
  public void infoSession(List<ShipSettings.Secret> secrets, @Nullable String ssh) {
    log.info(
        "Secrets:    "
            + described(
                () -> {
                  List<BuildSecrets.Source> declared = new ArrayList<>();
                  secrets.forEach(
                      s -> declared.add(new BuildSecrets.Source(s.id(), s.env(), s.file())));
                  List<String> listed =
                      BuildSecrets.check(declared, env()).sources().stream()
                          .map(s -> s.id() + " (" + s.describe() + ")")
                          .toList();
                  return listed.isEmpty() ? "none (<secrets>)" : String.join(", ", listed);
                }));
    log.info(
        "SSH:        "
            + described(
                () -> {
                  List<String> agents =
                      SshAgents.parse(ssh, env()).agents().stream()
                          .map(SshAgents.Agent::describe)
                          .toList();
                  return agents.isEmpty()
                      ? "none (<ssh>, " + ShipProperties.SSH + ")"
                      : String.join(", ", agents);
                }));
  }

  /** The builder, and how BuildKit gets the context: through a session, as the docker CLI. */
  private static String builderLine(BuilderChoice choice) {
    return choice.builder() == Builder.BUILDKIT
        ? choice.reason()
            + "; through a BuildKit session, as the docker CLI: the context is sent as BuildKit"
            + " asks for it (only what the Dockerfile uses, on a rebuild only what changed)"
        : choice.reason() + "; the context is uploaded whole (a tar)";
  }

  private String hook(ShipPlanner planner) {
    String service = plan.settings().render().serviceId();
    return planner
        .deployHook(plan.settings())
        .map(
            h ->
                h.source()
                    + " ("
                    + h.redacted()
                    + ", service "
                    + h.serviceId()
                    + ")"
                    + (service == null || service.isBlank()
                        ? ""
                        : "; it wins over <renderServiceId> " + service))
        .orElse(
            service == null || service.isBlank()
                ? "none (set " + ShipProperties.HOOK_VARIABLE + " or <renderServerId>)"
                : "none: deploys through Render's API to <renderServiceId> " + service);
  }

  private String apiKey(ShipPlanner planner) {
    return planner.apiKey(plan.settings()).isPresent()
        ? "key found"
        : "no key (" + ShipProperties.API_KEY_VARIABLE + " is not set)";
  }

  private String platform(Supplier<DockerDaemon> daemon) {
    String built = daemon.get().platformOf(plan.references().get(0));
    return (built == null
            ? "not built yet (the daemon's own unless <platform> says otherwise)"
            : built + " (" + plan.references().get(0) + ")")
        + "; Render runs "
        + RENDER_PLATFORM;
  }

  private static String engine(Supplier<DockerDaemon> daemon) {
    DockerDaemon docker = daemon.get();
    return docker.describe() + " at " + docker.where();
  }

  /** A description, or what is wrong with the setting: info reports, it does not fail. */
  private static String described(Supplier<String> description) {
    try {
      return description.get();
    } catch (ShipException e) {
      return (e.kind() == ShipException.Kind.CONFIG ? "invalid: " : "unavailable: ")
          + e.getMessage();
    } catch (RuntimeException e) {
      return "unavailable: " + e.getMessage();
    }
  }
}

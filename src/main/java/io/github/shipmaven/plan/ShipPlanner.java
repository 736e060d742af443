package io.github.shipmaven.plan;

import static io.github.shipmaven.core.ShipProperties.element;

import io.github.shipmaven.buildkit.BuildSecrets;
import io.github.shipmaven.buildkit.BuildServices;
import io.github.shipmaven.buildkit.SshAgents;
import io.github.shipmaven.context.BaseImages;
import io.github.shipmaven.core.Bytes;
import io.github.shipmaven.core.Durations;
import io.github.shipmaven.core.Secrets;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.core.ShipProperties;
import io.github.shipmaven.docker.DockerConnector;
import io.github.shipmaven.docker.ImageBuilder;
import io.github.shipmaven.docker.ImagePusher;
import io.github.shipmaven.git.BranchFilter;
import io.github.shipmaven.git.GitFacts;
import io.github.shipmaven.git.GitReader;
import io.github.shipmaven.image.ImageReference;
import io.github.shipmaven.image.OciLabels;
import io.github.shipmaven.image.TagTemplates;
import io.github.shipmaven.registry.CredentialResolver;
import io.github.shipmaven.registry.RegistryCredentials;
import io.github.shipmaven.render.DeployHook;
import io.github.shipmaven.render.RenderClient;
import io.github.shipmaven.render.RenderTarget;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the raw settings of one pipeline into a validated {@link ShipPlan}, or one {@link
 * ShipException} naming the element, the property and the fix. Every setting of every goal that
 * runs is checked here, before anything is built, pushed or deployed; a goal that does not run, or
 * is skipped, has its settings and its secrets neither checked nor looked up.
 */
public final class ShipPlanner {
  /**
   * Labels and build arguments travel in the build request's query string; Go's HTTP server, the
   * daemon's, reads at most 1 MB of request head (and answers 431 beyond it).
   */
  static final int MAX_REQUEST_HEAD_BYTES = 1 << 20;

  private static final Set<String> BUILDERS = Set.of("auto", "buildkit", "classic");
  private static final Set<String> NETWORKS = Set.of("default", "host", "none");

  private final CredentialResolver.Servers servers;
  private final Secrets secrets;
  private final ShipLog log;

  /**
   * @param servers the build tool's stored logins by id (settings.xml servers), decrypted
   * @param secrets where every secret found is registered, so that no log shows it
   */
  public ShipPlanner(CredentialResolver.Servers servers, Secrets secrets, ShipLog log) {
    this.servers = servers;
    this.secrets = secrets;
    this.log = log;
  }

  public ShipPlan plan(ShipSettings settings) {
    ShipSettings.Common common = settings.common();
    ImageReference image = ImageReference.parse(common.image());
    List<String> templates = tagTemplates(common.tags());
    BranchFilter branches = new BranchFilter(nonBlank(common.branches(), "branches", "branch"));
    DockerConnector.checkHost(common.dockerHost());
    if (settings.runs(Goal.BUILD)) {
      checkBuild(settings.build());
    }
    ImagePusher.Policy push = settings.runs(Goal.PUSH) ? pushPolicy(settings.push()) : null;
    boolean follows = settings.runs(Goal.DEPLOY) || settings.runs(Goal.ROLLBACK);
    if (follows) {
      checkRender(settings.render());
    }
    if (settings.runs(Goal.ROLLBACK) && blankToNull(settings.rollback().deployId()) != null) {
      RenderClient.checkDeployId(
          settings.rollback().deployId(), element("deployId", ShipProperties.RENDER_DEPLOY_ID));
    }
    GitFacts git = new GitReader(settings.env(), secrets).read(settings.project().basedir());
    List<String> tags = TagTemplates.render(templates, git, settings.project().version(), log);
    boolean onBranch = branches.allows(git.branch());
    boolean pushes = settings.runs(Goal.PUSH) && onBranch;
    boolean deploys = settings.runs(Goal.DEPLOY) && onBranch;
    if ((pushes || deploys) && git.dirty() && !common.allowDirty()) {
      throw ShipException.config(
          "The working tree has uncommitted changes to tracked files ("
              + String.join(", ", git.changedPaths())
              + "): commit them, or set <allowDirty>true</allowDirty> ("
              + ShipProperties.ALLOW_DIRTY
              + ") to ship a -dirty image.");
    }
    RegistryCredentials login = pushes ? requireLogin(image, common.serverId(), settings) : null;
    RenderTarget render =
        deploys || settings.runs(Goal.ROLLBACK) ? renderTarget(settings, !deploys) : null;
    ImageBuilder.Request build =
        settings.runs(Goal.BUILD) ? buildRequest(settings, image, git, tags) : null;
    BuildServices services = settings.runs(Goal.BUILD) ? buildServices(settings) : null;
    log.debug(
        "Plan: "
            + image.name()
            + " tags "
            + tags
            + ", branch "
            + git.branch()
            + " ("
            + git.branchSource()
            + "), goals "
            + settings.running()
            + (settings.skipped().isEmpty() ? "" : ", skipped " + settings.skipped())
            + ", push "
            + pushes
            + ", deploy "
            + deploys);
    return new ShipPlan(
        settings, image, git, tags, branches, build, services, login, pushes ? push : null, render);
  }

  private static List<String> tagTemplates(List<String> tags) {
    List<String> templates = nonBlank(tags, "tags", "tag");
    return templates.isEmpty() ? TagTemplates.DEFAULT : templates;
  }

  /** A list parameter's entries; an empty entry is an error naming the list and the entry. */
  private static List<String> nonBlank(List<String> values, String list, String entry) {
    List<String> kept = new ArrayList<>();
    if (values == null) {
      return kept;
    }
    for (String value : values) {
      if (value == null || value.isBlank()) {
        throw ShipException.config(
            element(list, "ship." + list)
                + " has an empty <"
                + entry
                + ">: remove it, or write what it should be.");
      }
      kept.add(value.trim());
    }
    return kept;
  }

  private void checkBuild(ShipSettings.Build build) {
    Path context = build.contextDirectory();
    Path dockerfile = build.dockerfile();
    String contextElement = element("contextDirectory", ShipProperties.CONTEXT);
    String dockerfileElement = element("dockerfile", ShipProperties.DOCKERFILE);
    if (context == null || !Files.isDirectory(context)) {
      throw ShipException.config(
          contextElement
              + " "
              + context
              + " is not a directory: point <contextDirectory> at the directory the image is"
              + " built from.");
    }
    if (!Files.isReadable(context)) {
      throw ShipException.config(
          contextElement + " " + context + " cannot be read: fix its permissions.");
    }
    if (dockerfile == null || !Files.isRegularFile(dockerfile)) {
      throw ShipException.config(
          dockerfileElement
              + " "
              + dockerfile
              + " does not exist: add a Dockerfile or point <dockerfile> at it.");
    }
    // BuildKit fetches the Dockerfile from its own directory; the classic builder only from the
    // uploaded context (with <builder>auto the build itself refuses it if the classic one builds).
    if ("classic".equalsIgnoreCase(String.valueOf(build.builder()).trim())
        && !dockerfile
            .toAbsolutePath()
            .normalize()
            .startsWith(context.toAbsolutePath().normalize())) {
      throw ShipException.config(
          dockerfileElement
              + " "
              + dockerfile
              + " is outside <contextDirectory> "
              + context
              + ": move it into the context or widen the context (the classic builder reads the"
              + " Dockerfile from the context; BuildKit does not need that).");
    }
    if (!Files.isReadable(dockerfile)) {
      throw ShipException.config(
          dockerfileElement + " " + dockerfile + " cannot be read: fix its permissions.");
    }
    oneOf(build.builder(), BUILDERS, "builder", ShipProperties.BUILDER);
    oneOf(build.network(), NETWORKS, "network", ShipProperties.NETWORK);
    if (build.platform() != null
        && !build.platform().isBlank()
        && !build.platform().trim().matches("[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?")) {
      throw ShipException.config(
          element("platform", ShipProperties.PLATFORM)
              + " '"
              + build.platform()
              + "' is not os/arch[/variant]: write it like linux/amd64.");
    }
    for (String image : build.cacheFrom() == null ? List.<String>of() : build.cacheFrom()) {
      if (image == null || image.isBlank()) {
        throw ShipException.config(
            "<cacheFrom> has an empty entry: remove it, or name an image to reuse layers from.");
      }
    }
    keys(build.buildArgs(), "buildArgs");
    keys(build.labels(), "labels");
    long head = encodedLength(build.labels()) + encodedLength(build.buildArgs());
    if (head > MAX_REQUEST_HEAD_BYTES) {
      throw ShipException.config(
          "<labels> and <buildArgs> come to "
              + Bytes.describe(head)
              + " in the build request, more than the 1 MB a Docker daemon reads: shorten them"
              + " (put large data in a file in the build context instead).");
    }
  }

  private static void oneOf(String value, Set<String> allowed, String name, String property) {
    if (value != null && !allowed.contains(value.trim())) {
      throw ShipException.config(
          element(name, property)
              + " '"
              + value
              + "' is not one of "
              + String.join(", ", allowed.stream().sorted().toList())
              + ".");
    }
  }

  private static void keys(Map<String, String> map, String name) {
    if (map != null) {
      for (String key : map.keySet()) {
        if (key == null || key.isBlank()) {
          throw ShipException.config("<" + name + "> has an entry without a name: remove it.");
        }
      }
    }
  }

  private static long encodedLength(Map<String, String> map) {
    long length = 0;
    if (map != null) {
      for (Map.Entry<String, String> entry : map.entrySet()) {
        // JSON quoting, then URL encoding: a fair estimate of what the query string carries
        length += URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8).length();
        length +=
            URLEncoder.encode(
                    entry.getValue() == null ? "" : entry.getValue(), StandardCharsets.UTF_8)
                .length();
        length += 16;
      }
    }
    return length;
  }

  private static ImagePusher.Policy pushPolicy(ShipSettings.Push push) {
    if (push.retries() < 0) {
      throw ShipException.config(
          element("retries", ShipProperties.PUSH_RETRIES)
              + " is "
              + push.retries()
              + ": use 0 or more.");
    }
    Duration stall =
        Durations.positive(
            push.stallTimeout(), element("pushStallTimeout", ShipProperties.PUSH_STALL_TIMEOUT));
    return new ImagePusher.Policy(push.retries(), stall);
  }

  private static void checkRender(ShipSettings.Render render) {
    RenderTarget.checkApiUrl(render.apiUrl());
    Durations.positive(render.timeout(), element("timeout", ShipProperties.RENDER_TIMEOUT));
    Durations.positive(
        render.pollInterval(), element("pollInterval", ShipProperties.RENDER_POLL_INTERVAL));
  }

  /** The registry login the push needs; none for a loopback registry is fine. */
  private RegistryCredentials requireLogin(
      ImageReference image, String serverId, ShipSettings settings) {
    CredentialResolver resolver = credentials(settings);
    Optional<RegistryCredentials> found = resolver.resolve(image.registry(), serverId);
    if (found.isEmpty() && !image.isLoopbackRegistry()) {
      throw ShipException.config(
          "No login for registry "
              + image.registry()
              + " (looked in "
              + String.join(", ", resolver.sources(image.registry(), serverId))
              + "): add a settings.xml <server> with id '"
              + image.registry()
              + "', or set SHIP_REGISTRY_USERNAME and SHIP_REGISTRY_PASSWORD.");
    }
    found.ifPresent(c -> secrets.addLogin(c.username(), c.secret()));
    return found.orElse(null);
  }

  /** Where logins are looked up, in the docker CLI's order. */
  public CredentialResolver credentials(ShipSettings settings) {
    return new CredentialResolver(servers, settings.env(), settings.home(), log);
  }

  /**
   * Where the deploy (or rollback) goes. A deploy takes the hook when there is one, else Render's
   * API with {@code <renderServiceId>}; a rollback always takes the API, for the hook's service if
   * no service id is set.
   *
   * @param rollback whether only a rollback runs (no deploy on this branch)
   */
  private RenderTarget renderTarget(ShipSettings settings, boolean rollback) {
    ShipSettings.Render render = settings.render();
    DeployHook hook = deployHook(settings).orElse(null);
    String configured =
        blankToNull(render.serviceId()) == null
            ? null
            : RenderClient.checkServiceId(render.serviceId());
    String serviceId =
        hook != null && (!rollback || configured == null) ? hook.serviceId() : configured;
    if (serviceId == null) {
      throw ShipException.config(
          rollback
              ? "ship:rollback needs the service: set "
                  + element("renderServiceId", ShipProperties.RENDER_SERVICE_ID)
                  + " to its srv-… id."
              : "No Render deploy hook and no service: set "
                  + ShipProperties.HOOK_VARIABLE
                  + ", or "
                  + element("renderServerId", ShipProperties.RENDER_SERVER_ID)
                  + " naming a settings.xml <server> whose password is the hook URL, or "
                  + element("renderServiceId", ShipProperties.RENDER_SERVICE_ID)
                  + " with "
                  + ShipProperties.API_KEY_VARIABLE
                  + ".");
    }
    boolean viaHook = hook != null && !rollback;
    String apiKey = apiKey(settings).orElse(null);
    if ((!viaHook || render.waitForLive()) && apiKey == null) {
      throw ShipException.config(
          (rollback
                  ? "ship:rollback of service " + serviceId + " needs an API key, but "
                  : viaHook
                      ? element("wait", ShipProperties.RENDER_WAIT) + " is true but "
                      : "Deploying service "
                          + serviceId
                          + " through Render's API needs a key, but ")
              + ShipProperties.API_KEY_VARIABLE
              + " is not set: set it (or <renderApiKeyServerId>) to a Render API key"
              + (viaHook ? ", or stop waiting." : "."));
    }
    return new RenderTarget(
        viaHook ? hook : null,
        serviceId,
        apiKey,
        RenderTarget.checkApiUrl(render.apiUrl()),
        render.waitForLive() || rollback,
        Durations.positive(render.timeout(), element("timeout", ShipProperties.RENDER_TIMEOUT)),
        Durations.positive(
            render.pollInterval(), element("pollInterval", ShipProperties.RENDER_POLL_INTERVAL)));
  }

  /** The deploy hook from RENDER_DEPLOY_HOOK_URL or the settings.xml server; empty if neither. */
  public Optional<DeployHook> deployHook(ShipSettings settings) {
    String fromEnv = settings.env().getOrDefault(ShipProperties.HOOK_VARIABLE, "");
    if (!fromEnv.isBlank()) {
      secrets.add(fromEnv.trim());
      return Optional.of(
          registered(DeployHook.parse(fromEnv, "env " + ShipProperties.HOOK_VARIABLE)));
    }
    String serverId = settings.render().hookServerId();
    if (serverId == null || serverId.isBlank()) {
      return Optional.empty();
    }
    RegistryCredentials server =
        servers
            .find(serverId)
            .orElseThrow(
                () ->
                    ShipException.config(
                        element("renderServerId", ShipProperties.RENDER_SERVER_ID)
                            + " is '"
                            + serverId
                            + "' but settings.xml has no <server> with that id: add one whose"
                            + " password is the deploy hook URL."));
    String url = passwordOf(server, serverId, "renderServerId", "deploy hook URL");
    secrets.add(url.trim());
    return Optional.of(registered(DeployHook.parse(url, "settings.xml server '" + serverId + "'")));
  }

  /** The password of a server that holds a single secret; one line when it has none. */
  private static String passwordOf(
      RegistryCredentials server, String serverId, String element, String what) {
    if (server.secret() == null || server.secret().isBlank()) {
      throw ShipException.config(
          "settings.xml server '"
              + serverId
              + "' (named by <"
              + element
              + ">) has no <password>: put the "
              + what
              + " in its <password>.");
    }
    return server.secret();
  }

  private DeployHook registered(DeployHook hook) {
    secrets.add(hook.key());
    return hook;
  }

  /** RENDER_API_KEY, else the renderApiKeyServerId server's password; registered as a secret. */
  public Optional<String> apiKey(ShipSettings settings) {
    String key = settings.env().getOrDefault(ShipProperties.API_KEY_VARIABLE, "");
    String serverId = settings.render().apiKeyServerId();
    if (key.isBlank() && serverId != null && !serverId.isBlank()) {
      key =
          servers
              .find(serverId)
              .map(server -> passwordOf(server, serverId, "renderApiKeyServerId", "Render API key"))
              .orElseThrow(
                  () ->
                      ShipException.config(
                          element("renderApiKeyServerId", ShipProperties.RENDER_API_KEY_SERVER_ID)
                              + " is '"
                              + serverId
                              + "' but settings.xml has no <server> with that id: add one whose"
                              + " password is the Render API key."));
    }
    if (key == null || key.isBlank()) {
      return Optional.empty();
    }
    secrets.add(key.trim());
    return Optional.of(key.trim());
  }

  private ImageBuilder.Request buildRequest(
      ShipSettings settings, ImageReference image, GitFacts git, List<String> tags) {
    ShipSettings.Build build = settings.build();
    ShipSettings.Project project = settings.project();
    Map<String, String> labels =
        new LinkedHashMap<>(
            OciLabels.of(
                git,
                project.version(),
                project.name() == null ? project.artifactId() : project.name(),
                OciLabels.created(settings.env(), project.outputTimestamp(), git)));
    if (build.labels() != null) {
      labels.putAll(build.labels());
    }
    Map<String, String> buildArgs = build.buildArgs() == null ? Map.of() : build.buildArgs();
    return new ImageBuilder.Request(
        build.contextDirectory(),
        build.dockerfile(),
        tags.stream().map(image::withTag).toList(),
        buildArgs,
        labels,
        blankToNull(build.target()),
        blankToNull(build.platform()),
        build.pull(),
        build.noCache(),
        build.network(),
        build.cacheFrom(),
        pullLogins(settings, build.dockerfile(), buildArgs));
  }

  /**
   * The build's {@code <secrets>} and {@code <ssh>}, checked (every source there, every agent
   * socket a socket); env secrets are registered as secrets now, file secrets when read.
   */
  public BuildServices buildServices(ShipSettings settings) {
    ShipSettings.Build build = settings.build();
    List<BuildSecrets.Source> declared = new ArrayList<>();
    for (ShipSettings.Secret secret :
        build.secrets() == null ? List.<ShipSettings.Secret>of() : build.secrets()) {
      declared.add(new BuildSecrets.Source(secret.id(), secret.env(), secret.file()));
    }
    BuildSecrets secrets = BuildSecrets.check(declared, settings.env());
    for (BuildSecrets.Source source : secrets.sources()) {
      if (source.env() != null) {
        BuildSecrets.register(settings.env().get(source.env()), this.secrets);
      }
    }
    SshAgents ssh = SshAgents.parse(build.ssh(), settings.env());
    CredentialResolver resolver = credentials(settings);
    ImageReference image = ImageReference.parse(settings.common().image());
    String serverId = settings.common().serverId();
    // As ship:push finds them: the push registry's own login (SHIP_REGISTRY_*, <serverId>) for
    // base images there, and the pull lookup (settings.xml, docker config) for other registries.
    return new BuildServices(
        secrets,
        ssh,
        registry ->
            registry.equals(image.registry())
                ? resolver.resolve(registry, serverId)
                : resolver.resolveForPull(registry),
        this.secrets);
  }

  /** Logins for the registries the Dockerfile pulls from; only those are sent to the daemon. */
  private Map<String, RegistryCredentials> pullLogins(
      ShipSettings settings, Path dockerfile, Map<String, String> buildArgs) {
    String text;
    try {
      // As the daemon reads it: bytes, whatever their encoding (a Latin-1 comment builds fine).
      text = new String(Files.readAllBytes(dockerfile), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw ShipException.config(
          element("dockerfile", ShipProperties.DOCKERFILE)
              + " "
              + dockerfile
              + " cannot be read ("
              + e.getClass().getSimpleName()
              + "): fix its permissions or point <dockerfile> at a readable file.");
    }
    CredentialResolver resolver = credentials(settings);
    Map<String, RegistryCredentials> logins = new LinkedHashMap<>();
    for (String registry : BaseImages.registries(text, buildArgs)) {
      resolver
          .resolveForPull(registry)
          .ifPresent(
              login -> {
                secrets.addLogin(login.username(), login.secret());
                logins.put(registry, login);
              });
    }
    return logins;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}

package io.github.shipmaven.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.shipmaven.core.RecordingLog;
import io.github.shipmaven.core.Secrets;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipProperties;
import io.github.shipmaven.git.TestRepository;
import io.github.shipmaven.registry.CredentialResolver;
import io.github.shipmaven.registry.RegistryCredentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The planner's rules, one row or test each: valid settings of a build, push and deploy, except one
 * thing. Every failure must be one {@link ShipException} line naming the element, the property and
 * the fix, with no secret in it or in the log.
 */
class ShipPlannerTest {
  static final String HOOK_KEY = "hookKeyCanary11";
  static final String HOOK = "https://api.render.com/deploy/srv-abc123?key=" + HOOK_KEY;
  static final String API_KEY = "rnd_apiKeyCanary22";
  static final String REGISTRY_PASSWORD = "registryPasswordCanary33";
  static final String SERVER_PASSWORD = "serverPasswordCanary44";
  static final String SERVER_HOOK_KEY = "serverHookKeyCanary55";
  static final String SERVER_API_KEY = "rnd_serverApiKeyCanary66";
  static final String REMOTE_TOKEN = "remoteTokenCanary77";
  static final List<String> CANARIES =
      List.of(
          HOOK_KEY,
          API_KEY,
          REGISTRY_PASSWORD,
          SERVER_PASSWORD,
          SERVER_HOOK_KEY,
          SERVER_API_KEY,
          REMOTE_TOKEN);
  static final Instant COMMIT_TIME = TestRepository.COMMIT_TIME;

  @TempDir Path repo;
  @TempDir Path home;
  Path bin;
  String sha;

  final RecordingLog log = new RecordingLog();
  final Secrets secrets = new Secrets();

  /** settings.xml servers by id, and every id the planner asked for. */
  final Map<String, RegistryCredentials> servers = new HashMap<>();

  final List<String> serverLookups = new ArrayList<>();

  @BeforeEach
  void gitRepository() throws Exception {
    sha =
        TestRepository.committed(
            repo, Map.of("pom.xml", "<project/>", "Dockerfile", "FROM scratch\n"));
    bin = Files.createDirectories(home.resolve("bin"));
  }

  ShipPlanner planner() {
    CredentialResolver.Servers lookup =
        id -> {
          serverLookups.add(id);
          return Optional.ofNullable(servers.get(id));
        };
    return new ShipPlanner(lookup, secrets, log);
  }

  /** Valid settings: build, push to the loopback registry and deploy with the hook, on main. */
  Settings valid() {
    return new Settings();
  }

  /** A settings.xml server whose password is {@code password}. */
  void server(String id, String username, String password) {
    servers.put(id, new RegistryCredentials(username, password, false, "settings.xml server"));
  }

  ShipPlan plan(Settings settings) {
    ShipPlan plan = planner().plan(settings.toSettings());
    assertNothingLeaked();
    return plan;
  }

  /** The one line the planner answers with, checked for secrets. */
  String failure(Settings settings) {
    ShipSettings raw = settings.toSettings();
    Throwable thrown = catchThrowable(() -> planner().plan(raw));
    assertThat(thrown).isInstanceOf(ShipException.class);
    ShipException e = (ShipException) thrown;
    assertThat(e.kind()).isEqualTo(ShipException.Kind.CONFIG);
    assertThat(e.getMessage()).doesNotContain("\n");
    return e.getMessage();
  }

  void assertNothingLeaked() {
    List<String> logged = new ArrayList<>(log.lines);
    logged.addAll(log.debug);
    for (String canary : CANARIES) {
      assertThat(logged).noneMatch(line -> line.contains(canary));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Bad input: one row per rule.

  @FunctionalInterface
  interface Change {
    void apply(Settings settings) throws Exception;
  }

  record Row(String name, Change change, List<String> says) {
    static Row of(String name, Change change, String... says) {
      return new Row(name, change, List.of(says));
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> badInput() {
    String noLogin = "env " + CredentialResolver.USERNAME_VARIABLE;
    return Stream.of(
        // every goal
        Row.of(
            "image with upper case",
            s -> s.image = "127.0.0.1:5000/Team/app",
            "<image> (ship.image) '127.0.0.1:5000/Team/app' is not a valid image repository",
            "must be lowercase"),
        Row.of(
            "image with a tag",
            s -> s.image = "127.0.0.1:5000/team/app:1.0",
            "<image> (ship.image)",
            "put tags in <tags>"),
        Row.of(
            "image empty",
            s -> s.image = " ",
            "<image> (ship.image)",
            "is not set: set it to the image repository"),
        Row.of(
            "an empty <tag/>",
            s -> s.tags = Arrays.asList("{sha}", null),
            "<tags> (ship.tags) has an empty <tag>: remove it"),
        Row.of(
            "a blank tag",
            s -> s.tags = List.of("latest", "  "),
            "<tags> (ship.tags) has an empty <tag>: remove it"),
        Row.of(
            "a tag template giving an invalid tag",
            s -> s.tags = List.of("-{sha}"),
            "<tags> template '-{sha}'",
            "not a valid tag"),
        Row.of(
            "an unknown placeholder",
            s -> s.tags = List.of("{commit}"),
            "<tags> template '{commit}' has unknown placeholder {commit}: use {sha}"),
        Row.of(
            "an empty <branch></branch>",
            s -> s.branches = List.of("main", ""),
            "<branches> (ship.branches) has an empty <branch>: remove it"),
        Row.of(
            "an empty <branch/>",
            s -> s.branches = Arrays.asList((String) null),
            "<branches> (ship.branches) has an empty <branch>"),
        Row.of(
            "dockerHost over ssh with a query",
            s -> s.dockerHost = "ssh://deploy@build-host?x=1",
            "<dockerHost> (ship.docker.host) is ssh://deploy@build-host?x=1",
            "query parameters are not allowed"),
        Row.of(
            "dockerHost on a Windows pipe",
            s -> s.dockerHost = "npipe:////./pipe/docker_engine",
            "<dockerHost> (ship.docker.host) is npipe:////./pipe/docker_engine",
            "forward the daemon's socket"),
        Row.of(
            "dockerHost not an address",
            s -> s.dockerHost = "tcp://localhost:notaport",
            "<dockerHost> (ship.docker.host)",
            "not a Docker daemon address: use unix:///path/to/docker.sock or tcp://host:port"),
        // build
        Row.of(
            "context not a directory",
            s -> s.context = s.repo().resolve("pom.xml"),
            "<contextDirectory> (ship.context)",
            "is not a directory: point <contextDirectory> at"),
        Row.of(
            "context missing",
            s -> s.context = s.repo().resolve("nowhere"),
            "<contextDirectory> (ship.context)",
            "is not a directory"),
        Row.of(
            "Dockerfile missing",
            s -> s.dockerfile = s.repo().resolve("Containerfile"),
            "<dockerfile> (ship.dockerfile)",
            "does not exist: add a Dockerfile or point <dockerfile> at it"),
        Row.of(
            "Dockerfile outside the context, classic builder",
            s -> {
              s.builder = "classic";
              s.dockerfile = s.home().resolve("Dockerfile");
              Files.writeString(s.dockerfile, "FROM scratch\n");
            },
            "<dockerfile> (ship.dockerfile)",
            "is outside <contextDirectory>",
            "move it into the context or widen the context"),
        Row.of(
            "builder unknown",
            s -> s.builder = "kaniko",
            "<builder> (ship.builder) 'kaniko' is not one of auto, buildkit, classic"),
        Row.of(
            "secret from an unset variable",
            s -> s.secrets = List.of(new ShipSettings.Secret("npm", "NPM_TOKEN", null)),
            "<secret> 'npm' comes from env NPM_TOKEN, which is not set (or empty)"),
        Row.of(
            "secret from a missing file",
            s ->
                s.secrets =
                    List.of(
                        new ShipSettings.Secret("m2", null, Path.of("/nonexistent/settings.xml"))),
            "<secret> 'm2' comes from file /nonexistent/settings.xml, which does not exist"),
        Row.of(
            "secret with both sources",
            s -> {
              s.env.put("NPM_TOKEN", "x");
              s.secrets =
                  List.of(new ShipSettings.Secret("npm", "NPM_TOKEN", Path.of("/etc/hostname")));
            },
            "<secret> 'npm' has both <env> and <file>"),
        Row.of(
            "secret with no source",
            s -> s.secrets = List.of(new ShipSettings.Secret("npm", null, null)),
            "<secret> 'npm' has neither <env> nor <file>"),
        Row.of(
            "ssh malformed",
            s -> s.ssh = "default,",
            "<ssh> (ship.ssh) 'default,' has an empty entry"),
        Row.of(
            "ssh default without an agent",
            s -> s.ssh = "default",
            "<ssh> (ship.ssh) 'default' means the SSH agent at SSH_AUTH_SOCK, which is not set"),
        Row.of(
            "ssh socket that is no socket",
            s -> s.ssh = "deploy=/etc/hostname",
            "the agent socket /etc/hostname is a file, not an agent's socket"),
        Row.of(
            "network unknown",
            s -> s.network = "bridge",
            "<network> (ship.network) 'bridge' is not one of default, host, none"),
        Row.of(
            "platform without arch",
            s -> s.platform = "linux",
            "<platform> (ship.platform) 'linux' is not os/arch[/variant]",
            "write it like linux/amd64"),
        Row.of(
            "platform with a trailing slash",
            s -> s.platform = "linux/amd64/",
            "<platform> (ship.platform)",
            "write it like linux/amd64"),
        Row.of(
            "platform with a space",
            s -> s.platform = "linux/ amd64",
            "<platform> (ship.platform)"),
        Row.of(
            "cacheFrom with a blank entry",
            s -> s.cacheFrom = List.of("127.0.0.1:5000/team/app:latest", " "),
            "<cacheFrom> has an empty entry: remove it, or name an image"),
        Row.of(
            "cacheFrom with an empty <cacheFrom/>",
            s -> s.cacheFrom = Arrays.asList((String) null),
            "<cacheFrom> has an empty entry"),
        Row.of(
            "buildArgs with a blank key",
            s -> s.buildArgs.put(" ", "1"),
            "<buildArgs> has an entry without a name: remove it"),
        Row.of(
            "labels with a blank key",
            s -> s.labels.put("", "x"),
            "<labels> has an entry without a name: remove it"),
        Row.of(
            "a 2 MB label",
            s -> s.labels.put("blob", "x".repeat(2 << 20)),
            "<labels> and <buildArgs> come to 2.0 MB",
            "more than the 1 MB a Docker daemon reads: shorten them"),
        // push
        Row.of(
            "retries negative",
            s -> s.retries = -1,
            "<retries> (ship.push.retries) is -1: use 0 or more"),
        Row.of(
            "pushStallTimeout not ISO-8601",
            s -> s.stallTimeout = "2m",
            "<pushStallTimeout> (ship.push.stallTimeout) '2m' is not an ISO-8601 duration",
            "write it like PT2M"),
        Row.of(
            "pushStallTimeout zero",
            s -> s.stallTimeout = "PT0S",
            "<pushStallTimeout> (ship.push.stallTimeout) 'PT0S' must be positive"),
        Row.of(
            "pushStallTimeout negative",
            s -> s.stallTimeout = "-PT1M",
            "<pushStallTimeout> (ship.push.stallTimeout) '-PT1M' must be positive"),
        Row.of(
            "no login for ghcr.io",
            s -> s.image("ghcr.io/team/app").withoutRegistryLogin(),
            "No login for registry ghcr.io (looked in settings.xml server 'ghcr.io', " + noLogin,
            "/.docker/config.json auths)",
            "add a settings.xml <server> with id 'ghcr.io', or set SHIP_REGISTRY_USERNAME and"
                + " SHIP_REGISTRY_PASSWORD"),
        Row.of(
            "no login for a name that only starts with 127.",
            s -> s.image("127.0.0.1.nip.io:5000/team/app").withoutRegistryLogin(),
            "No login for registry 127.0.0.1.nip.io:5000"),
        Row.of(
            "a serverId settings.xml does not have",
            s -> s.serverId = "nexus",
            "<serverId> (ship.serverId) is 'nexus' but settings.xml has no <server> with that id"),
        Row.of(
            "a registry password without its username",
            s -> s.env.remove(CredentialResolver.USERNAME_VARIABLE),
            "SHIP_REGISTRY_USERNAME is not set but SHIP_REGISTRY_PASSWORD is: set both"),
        // deploy and rollback
        Row.of(
            "renderApiUrl plain http to a public host",
            s -> s.apiUrl = "http://api.render.com",
            "<renderApiUrl> (ship.render.apiUrl) 'http://api.render.com' must be an https URL"
                + " (plain http only for loopback hosts)"),
        Row.of(
            "renderApiUrl http to a name that only starts with 127.",
            s -> s.apiUrl = "http://127.0.0.1.nip.io",
            "<renderApiUrl> (ship.render.apiUrl) 'http://127.0.0.1.nip.io' must be an https URL"),
        Row.of(
            "renderApiUrl not a URL",
            s -> s.apiUrl = "api.render.com",
            "<renderApiUrl> (ship.render.apiUrl) 'api.render.com' must be an https URL"),
        Row.of(
            "timeout not ISO-8601",
            s -> s.timeout = "10m",
            "<timeout> (ship.render.timeout) '10m' is not an ISO-8601 duration: write it like"),
        Row.of(
            "pollInterval zero",
            s -> s.pollInterval = "PT0S",
            "<pollInterval> (ship.render.pollInterval) 'PT0S' must be positive"),
        Row.of(
            "pollInterval not ISO-8601",
            s -> s.pollInterval = "5s",
            "<pollInterval> (ship.render.pollInterval) '5s' is not an ISO-8601 duration"),
        Row.of(
            "no hook and no service id",
            s -> s.withoutHook(),
            "No Render deploy hook and no service: set RENDER_DEPLOY_HOOK_URL, or <renderServerId>"
                + " (ship.render.serverId) naming a settings.xml <server> whose password is the"
                + " hook URL, or <renderServiceId> (ship.render.serviceId) with RENDER_API_KEY."),
        Row.of(
            "hook plain http to a public host",
            s -> s.hook("http://api.render.com/deploy/srv-abc123?key=" + HOOK_KEY),
            "The deploy hook from env RENDER_DEPLOY_HOOK_URL (http://api.render.com) is not https",
            "it must look like https://api.render.com/deploy/srv-…?key=…"),
        Row.of(
            "hook http to a name that only starts with 127.",
            s -> s.hook("http://127.0.0.1.nip.io/deploy/srv-abc123?key=" + HOOK_KEY),
            "(http://127.0.0.1.nip.io) is not https"),
        Row.of(
            "hook without a key",
            s -> s.hook("https://api.render.com/deploy/srv-abc123"),
            "has no key parameter"),
        Row.of(
            "hook not a URL",
            s -> s.hook("api.render.com/deploy/srv-abc123?key=" + HOOK_KEY),
            "The deploy hook from env RENDER_DEPLOY_HOOK_URL is not a URL"),
        Row.of(
            "hook from a settings.xml server that does not exist",
            s -> s.withoutHook().hookServerId = "render-hook",
            "<renderServerId> (ship.render.serverId) is 'render-hook' but settings.xml has no"
                + " <server> with that id: add one whose password is the deploy hook URL"),
        Row.of(
            "API key from a settings.xml server that does not exist",
            s -> s.withoutApiKey().apiKeyServerId = "render-api",
            "<renderApiKeyServerId> (ship.render.apiKeyServerId) is 'render-api' but settings.xml"
                + " has no <server> with that id"),
        Row.of(
            "wait without an API key",
            s -> s.withoutApiKey().wait = true,
            "<wait> (ship.render.wait) is true but RENDER_API_KEY is not set: set it (or"
                + " <renderApiKeyServerId>) to a Render API key, or stop waiting."),
        Row.of(
            "a service id without hook and without an API key",
            s -> s.withoutHook().withoutApiKey().serviceId = "srv-abc123",
            "Deploying service srv-abc123 through Render's API needs a key, but RENDER_API_KEY is"
                + " not set"),
        Row.of(
            "a malformed service id",
            s -> s.serviceId = "abc123",
            "<renderServiceId> (ship.render.serviceId) is not a Render service id (value not"
                + " shown): set it to the srv-… part of the service's dashboard URL"),
        Row.of(
            "a malformed rollback deploy id",
            s -> {
              s.only(Goal.ROLLBACK);
              s.deployId = "deploy-42";
            },
            "<deployId> (ship.render.deployId)"),
        Row.of(
            "rollback without a service id or hook",
            s -> s.only(Goal.ROLLBACK).withoutHook(),
            "ship:rollback needs the service: set <renderServiceId> (ship.render.serviceId)"),
        Row.of(
            "rollback without an API key",
            s -> s.only(Goal.ROLLBACK).withoutApiKey().serviceId = "srv-abc123",
            "ship:rollback of service srv-abc123 needs an API key, but RENDER_API_KEY is not set"),
        // git
        Row.of(
            "uncommitted changes with push running",
            s -> Files.writeString(s.repo().resolve("Dockerfile"), "FROM scratch\nLABEL a=b\n"),
            "uncommitted changes to tracked files (Dockerfile)",
            "set <allowDirty>true</allowDirty> (ship.allowDirty)"),
        Row.of(
            "uncommitted changes with only deploy running",
            s -> {
              s.only(Goal.DEPLOY);
              Files.writeString(s.repo().resolve("pom.xml"), "<project></project>");
            },
            "uncommitted changes to tracked files (pom.xml)",
            "<allowDirty>"),
        Row.of(
            "SOURCE_DATE_EPOCH not a number",
            s -> s.env.put("SOURCE_DATE_EPOCH", "yesterday"),
            "SOURCE_DATE_EPOCH 'yesterday' is not a number of seconds: fix or unset it"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void badInput(Row row) throws Exception {
    Settings settings = valid();
    row.change().apply(settings);
    String message = failure(settings);
    assertThat(message).contains(row.says());
    for (String canary : CANARIES) {
      assertThat(message).doesNotContain(canary);
    }
    assertNothingLeaked();
  }

  @Test
  void theValidSettingsPlanSoEveryRowFailsForItsOneChange() {
    ShipPlan plan = plan(valid());
    assertThat(plan.build()).isNotNull();
    assertThat(plan.push()).isNotNull();
    assertThat(plan.render()).isNotNull();
  }

  // ---------------------------------------------------------------------------------------------
  // Valid input: what the plan carries.

  record Planned(String name, Change change, Consumer<ShipPlan> check) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Planned> goodInput() {
    return Stream.of(
        new Planned(
            "renderApiUrl plain http on 127.0.0.1",
            s -> s.apiUrl = "http://127.0.0.1:1234",
            p -> assertThat(p.render().apiUrl()).isEqualTo("http://127.0.0.1:1234/")),
        new Planned(
            "renderApiUrl plain http on [::1]",
            s -> s.apiUrl = "http://[::1]:1234",
            p -> assertThat(p.render().apiUrl()).isEqualTo("http://[::1]:1234/")),
        new Planned(
            "renderApiUrl plain http on localhost",
            s -> s.apiUrl = "http://localhost",
            p -> assertThat(p.render().apiUrl()).isEqualTo("http://localhost/")),
        new Planned(
            "a registry on 127.0.0.1 needs no login",
            s -> s.withoutRegistryLogin(),
            p -> assertThat(p.login()).isNull()),
        new Planned(
            "a registry on localhost needs no login",
            s -> s.image("localhost:5000/team/app").withoutRegistryLogin(),
            p -> assertThat(p.login()).isNull()),
        new Planned(
            "a registry on [::1] needs no login",
            s -> s.image("[::1]:5000/team/app").withoutRegistryLogin(),
            p -> assertThat(p.push()).isNotNull()),
        new Planned(
            "a registry on 127.1.2.3 needs no login",
            s -> s.image("127.1.2.3/team/app").withoutRegistryLogin(),
            p -> assertThat(p.references()).first().asString().startsWith("127.1.2.3/team/app:")),
        new Planned(
            "the registry login from the environment",
            s -> s.image("ghcr.io/team/app"),
            p ->
                assertThat(p.login().source())
                    .isEqualTo("env SHIP_REGISTRY_USERNAME/SHIP_REGISTRY_PASSWORD")),
        new Planned(
            "a hook on loopback may be plain http",
            s -> s.hook("http://127.0.0.1:1234/deploy/srv-local1?key=" + HOOK_KEY),
            p -> assertThat(p.render().hook().serviceId()).isEqualTo("srv-local1")),
        new Planned(
            "a service id without a hook deploys through the API with the key",
            s -> s.withoutHook().serviceId = "srv-xyz789",
            p -> {
              assertThat(p.render().hook()).isNull();
              assertThat(p.render().serviceId()).isEqualTo("srv-xyz789");
              assertThat(p.render().apiKey()).isEqualTo(API_KEY);
            }),
        new Planned(
            "the hook wins over a service id",
            s -> s.serviceId = "srv-xyz789",
            p -> {
              assertThat(p.render().hook()).isNotNull();
              assertThat(p.render().serviceId()).isEqualTo("srv-abc123");
            }),
        new Planned(
            "wait with the hook and the API key",
            s -> s.wait = true,
            p -> {
              assertThat(p.render().waitForLive()).isTrue();
              assertThat(p.render().timeout()).isEqualTo(Duration.ofMinutes(10));
              assertThat(p.render().pollInterval()).isEqualTo(Duration.ofSeconds(5));
            }),
        new Planned(
            "the hook without wait needs no API key",
            s -> s.withoutApiKey(),
            p -> assertThat(p.render().apiKey()).isNull()),
        new Planned(
            "rollback of the hook's service, through the API",
            s -> s.only(Goal.ROLLBACK),
            p -> {
              assertThat(p.render().hook()).isNull();
              assertThat(p.render().serviceId()).isEqualTo("srv-abc123");
              assertThat(p.render().waitForLive()).isTrue();
              assertThat(p.build()).isNull();
              assertThat(p.push()).isNull();
              assertThat(p.login()).isNull();
            }),
        new Planned(
            "rollback of the configured service",
            s -> s.only(Goal.ROLLBACK).serviceId = "srv-xyz789",
            p -> assertThat(p.render().serviceId()).isEqualTo("srv-xyz789")),
        new Planned(
            "rollback on a branch not matched",
            s -> s.only(Goal.ROLLBACK).branches = List.of("release/*"),
            p -> assertThat(p.render()).isNotNull()),
        new Planned(
            "a branch glob that matches",
            s -> s.branches = List.of("release/*", "ma*"),
            p -> {
              assertThat(p.onBranch()).isTrue();
              assertThat(p.push()).isNotNull();
            }),
        new Planned("no retries", s -> s.retries = 0, p -> assertThat(p.push().retries()).isZero()),
        new Planned(
            "a platform with a variant",
            s -> s.platform = "linux/arm64/v8",
            p -> assertThat(p.build().platform()).isEqualTo("linux/arm64/v8")),
        new Planned(
            "the other builder and network",
            s -> {
              s.builder = "classic";
              s.network = "none";
            },
            p -> assertThat(p.build()).isNotNull()),
        new Planned(
            "no tags: {sha} and latest",
            s -> s.tags = List.of(),
            p -> assertThat(p.tags()).hasSize(2).endsWith("latest")),
        new Planned(
            "a 512 kB label fits",
            s -> s.labels.put("blob", "x".repeat(512 << 10)),
            p -> assertThat(p.build().labels().get("blob")).hasSize(512 << 10)),
        new Planned(
            "ship:info alone checks no other goal's settings nor secrets",
            s -> {
              s.only(Goal.INFO).withoutRegistryLogin().withoutHook().image = "ghcr.io/team/app";
              s.apiUrl = "http://api.render.com";
            },
            p -> {
              assertThat(p.build()).isNull();
              assertThat(p.push()).isNull();
              assertThat(p.render()).isNull();
            }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void goodInput(Planned row) throws Exception {
    Settings settings = valid();
    row.change().apply(settings);
    row.check().accept(plan(settings));
  }

  @Test
  void aTimeoutTypoFailsWhenTheBuildGoalPlansTheWholePipeline() {
    server("ghcr.io", "ci", SERVER_PASSWORD);
    Settings settings = valid().image("ghcr.io/team/app").withoutRegistryLogin();
    settings.timeout = "PT10"; // the typo: no unit
    assertThat(settings.running).contains(Goal.BUILD, Goal.PUSH, Goal.DEPLOY);

    assertThat(failure(settings))
        .contains("<timeout> (ship.render.timeout) 'PT10' is not an ISO-8601 duration");
    assertThat(serverLookups).as("nothing of the push was looked at yet").isEmpty();
  }

  @Test
  void aSkippedDeployNeedsNoHookNorValidRenderSettings() {
    // mvn deploy -Dship.deploy.skip=true
    Settings settings =
        valid().skip(Goal.DEPLOY, ShipProperties.DEPLOY_SKIP).withoutHook().withoutApiKey();
    settings.apiUrl = "http://api.render.com";
    settings.timeout = "ten minutes";
    assertThat(settings.running).containsExactlyInAnyOrder(Goal.BUILD, Goal.PUSH);

    ShipPlan plan = plan(settings);

    assertThat(plan.render()).isNull();
    assertThat(plan.push()).isNotNull();
    assertThat(plan.build()).isNotNull();
    assertThat(log.debug).anyMatch(line -> line.contains("skipped {DEPLOY=ship.deploy.skip}"));
  }

  /** A docker credential helper, for ghcr.io and as the store, that records each run. */
  Path credentialHelperTripwire() throws Exception {
    Path ran = home.resolve("credential-helper-ran");
    Path helper = bin.resolve("docker-credential-tripwire");
    Files.writeString(
        helper,
        "#!/bin/sh\necho ran >> '"
            + ran
            + "'\necho 'credentials not found in native keychain'\nexit 1\n");
    Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
    Files.createDirectories(home.resolve(".docker"));
    Files.writeString(
        home.resolve(".docker/config.json"),
        "{\"credHelpers\": {\"ghcr.io\": \"tripwire\"}, \"credsStore\": \"tripwire\"}");
    return ran;
  }

  @Test
  void aSkippedPushLooksUpNoLogin() throws Exception {
    Path helperRan = credentialHelperTripwire();
    // mvn deploy -Dship.push.skip=true: build, then deploy an image pushed before
    Settings settings =
        valid()
            .image("ghcr.io/team/app")
            .withoutRegistryLogin()
            .skip(Goal.PUSH, ShipProperties.PUSH_SKIP);
    settings.serverId = "ghcr";

    ShipPlan plan = plan(settings);

    assertThat(plan.login()).isNull();
    assertThat(plan.push()).isNull();
    assertThat(plan.render()).isNotNull();
    assertThat(serverLookups).isEmpty();
    assertThat(helperRan).doesNotExist();
  }

  @Test
  void aRunningPushAsksEveryPlaceAndNamesThem() throws Exception {
    // the control of the test above: the same settings with the push running reach the helper
    Path helperRan = credentialHelperTripwire();
    Settings settings = valid().image("ghcr.io/team/app").withoutRegistryLogin();

    assertThat(failure(settings))
        .contains(
            "No login for registry ghcr.io (looked in settings.xml server 'ghcr.io', env"
                + " SHIP_REGISTRY_USERNAME/SHIP_REGISTRY_PASSWORD, credential helper 'tripwire',"
                + " credsStore 'tripwire', docker config "
                + home.resolve(".docker/config.json")
                + " auths)");
    assertThat(serverLookups).containsExactly("ghcr.io");
    assertThat(helperRan).exists();
  }

  @Test
  void onABranchNotMatchedPushAndDeployNeedNoLoginNorHook() throws Exception {
    Path helperRan = credentialHelperTripwire();
    Settings settings =
        valid().image("ghcr.io/team/app").withoutRegistryLogin().withoutHook().withoutApiKey();
    settings.branches = List.of("release/*");
    // not shipped, so not refused either
    Files.writeString(repo.resolve("Dockerfile"), "FROM scratch\nLABEL a=b\n");

    ShipPlan plan = plan(settings);

    assertThat(plan.onBranch()).isFalse();
    assertThat(plan.git().branch()).isEqualTo("main");
    assertThat(plan.branches().describe()).isEqualTo("release/*");
    assertThat(plan.login()).isNull();
    assertThat(plan.push()).isNull();
    assertThat(plan.render()).isNull();
    assertThat(plan.build()).isNotNull();
    assertThat(serverLookups).isEmpty();
    assertThat(helperRan).doesNotExist();
    assertThat(log.debug).anyMatch(line -> line.endsWith("push false, deploy false"));
  }

  @Test
  void allowDirtyShipsADirtyTaggedImage() throws Exception {
    Files.writeString(repo.resolve("Dockerfile"), "FROM scratch\nLABEL a=b\n");
    Settings settings = valid();
    settings.allowDirty = true;
    settings.tags = List.of("{sha}", "{shortSha}", "latest");

    ShipPlan plan = plan(settings);

    assertThat(plan.git().dirty()).isTrue();
    assertThat(plan.tags())
        .containsExactly(sha + "-dirty", sha.substring(0, 7) + "-dirty", "latest");
    assertThat(plan.build().references())
        .containsExactly(
            "127.0.0.1:5000/team/app:" + sha + "-dirty",
            "127.0.0.1:5000/team/app:" + sha.substring(0, 7) + "-dirty",
            "127.0.0.1:5000/team/app:latest");
    assertThat(plan.push()).isNotNull();
  }

  @Test
  void thePlanCarriesTheBuildRequestWithEveryLabelAndReference() {
    Settings settings = valid();
    settings.tags = List.of("{sha}", "{shortSha}", "v{version}", "latest");
    settings.labels.put("team", "ship");
    settings.labels.put("org.opencontainers.image.title", "Custom title");
    settings.buildArgs.put("JAR", "app.jar");
    settings.target = " ";
    settings.platform = " linux/amd64 ";
    settings.pull = true;
    settings.noCache = true;
    settings.network = "host";
    settings.cacheFrom = List.of("127.0.0.1:5000/team/app:latest");

    ShipPlan plan = plan(settings);

    String image = "127.0.0.1:5000/team/app:";
    List<String> tags = List.of(sha, sha.substring(0, 7), "v1.2.3", "latest");
    assertThat(plan.tags()).isEqualTo(tags);
    assertThat(plan.references()).isEqualTo(tags.stream().map(tag -> image + tag).toList());
    assertThat(plan.image().registry()).isEqualTo("127.0.0.1:5000");
    assertThat(plan.git().sha()).isEqualTo(sha);
    assertThat(plan.onBranch()).isTrue();

    var build = plan.build();
    assertThat(build.references()).isEqualTo(plan.references());
    assertThat(build.contextDirectory()).isEqualTo(repo);
    assertThat(build.dockerfile()).isEqualTo(repo.resolve("Dockerfile"));
    assertThat(build.labels())
        .containsEntry("org.opencontainers.image.revision", sha)
        .containsEntry("org.opencontainers.image.version", "1.2.3")
        .containsEntry("org.opencontainers.image.created", COMMIT_TIME.toString())
        .containsEntry("org.opencontainers.image.title", "Custom title")
        .containsEntry("team", "ship")
        .doesNotContainKey("org.opencontainers.image.source");
    assertThat(build.buildArgs()).containsExactly(Map.entry("JAR", "app.jar"));
    assertThat(build.target()).isNull();
    assertThat(build.platform()).isEqualTo("linux/amd64");
    assertThat(build.pull()).isTrue();
    assertThat(build.noCache()).isTrue();
    assertThat(build.network()).isEqualTo("host");
    assertThat(build.cacheFrom()).containsExactly("127.0.0.1:5000/team/app:latest");
    assertThat(build.pullLogins()).isEmpty();

    assertThat(plan.login().source())
        .isEqualTo("env SHIP_REGISTRY_USERNAME/SHIP_REGISTRY_PASSWORD");
    assertThat(plan.push().retries()).isEqualTo(3);
    assertThat(plan.push().stallTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(plan.render().hook().serviceId()).isEqualTo("srv-abc123");
    assertThat(plan.render().apiUrl()).isEqualTo("https://api.render.com/");
    assertThat(plan.render().waitForLive()).isFalse();
  }

  @Test
  void theOciLabelsTakeTheProjectNameAndTheReproducibleTime() {
    Settings settings = valid();
    settings.env.put("SOURCE_DATE_EPOCH", "1700000000");

    ShipPlan plan = plan(settings);

    assertThat(plan.build().labels())
        .containsEntry("org.opencontainers.image.created", "2023-11-14T22:13:20Z")
        .containsEntry("org.opencontainers.image.title", "Ship App");
  }

  // ---------------------------------------------------------------------------------------------
  // Dockerfile reading.

  @Test
  void anUnreadableDockerfile() throws Exception {
    Path dockerfile = repo.resolve("base.Dockerfile"); // untracked: the tree stays clean
    Files.writeString(dockerfile, "FROM ghcr.io/team/base:1\n");
    Files.setPosixFilePermissions(dockerfile, PosixFilePermissions.fromString("---------"));
    server("ghcr.io", "ci", SERVER_PASSWORD);
    Settings settings = valid();
    settings.dockerfile = dockerfile;

    if (Files.isReadable(dockerfile)) {
      // root reads it anyway, and so will the build: the plan must read it too, for its logins
      ShipPlan plan = plan(settings);
      assertThat(plan.build().pullLogins()).containsOnlyKeys("ghcr.io");
    } else {
      assertThat(failure(settings))
          .contains("<dockerfile> (ship.dockerfile) " + dockerfile)
          .contains("cannot be read: fix its permissions");
    }
  }

  @Test
  void aDockerfileThatIsNotUtf8IsReadAsTheDaemonReadsIt() throws Exception {
    // Latin-1 "café" in a comment: the daemon builds it; the plan must not refuse it
    Path dockerfile = repo.resolve("latin1.Dockerfile");
    byte[] latin1 = "FROM ghcr.io/team/base:1\n# café\n".getBytes(StandardCharsets.ISO_8859_1);
    Files.write(dockerfile, latin1);
    server("ghcr.io", "ci", SERVER_PASSWORD);
    Settings settings = valid();
    settings.dockerfile = dockerfile;

    assertThat(plan(settings).build().pullLogins()).containsOnlyKeys("ghcr.io");
  }

  // ---------------------------------------------------------------------------------------------
  // Secrets.

  /** Every secret from settings.xml: registry (push and pull), the hook, the API key. */
  Settings everySecretFromSettingsXml() throws Exception {
    Path dockerfile = repo.resolve("base.Dockerfile");
    Files.writeString(dockerfile, "FROM ghcr.io/team/base:1\n");
    server("ghcr.io", "ci", SERVER_PASSWORD);
    server(
        "render-hook",
        "render",
        "https://api.render.com/deploy/srv-srv1?key=" + SERVER_HOOK_KEY + "\n");
    server("render-api", "render", SERVER_API_KEY);
    Settings settings =
        valid().image("ghcr.io/team/app").withoutRegistryLogin().withoutHook().withoutApiKey();
    settings.dockerfile = dockerfile;
    settings.hookServerId = "render-hook";
    settings.apiKeyServerId = "render-api";
    settings.wait = true;
    return settings;
  }

  @Test
  void halfALoginInSettingsXmlIsRefusedInThePlan() {
    server("ghcr.io", "ci", null);
    assertThat(failure(valid().image("ghcr.io/team/app").withoutRegistryLogin()))
        .isEqualTo(
            "settings.xml server 'ghcr.io' has a <username> but no <password>: a registry login"
                + " needs both. Add the password (or access token) to that <server> in"
                + " settings.xml, or remove the server to take the login from the next source.");
    server("nexus", null, SERVER_PASSWORD);
    Settings named = valid().withoutRegistryLogin();
    named.serverId = "nexus";
    assertThat(failure(named))
        .startsWith("settings.xml server 'nexus' has a <password> but no <username>")
        .contains("Add the user name to that <server>")
        .doesNotContain(SERVER_PASSWORD);
  }

  @Test
  void aRenderServerWithoutAPasswordIsNamed() {
    server("render-hook", "render", null);
    Settings hook = valid().withoutHook();
    hook.hookServerId = "render-hook";
    assertThat(failure(hook))
        .isEqualTo(
            "settings.xml server 'render-hook' (named by <renderServerId>) has no <password>:"
                + " put the deploy hook URL in its <password>.");
    server("render-api", "render", " ");
    Settings api = valid().withoutApiKey();
    api.apiKeyServerId = "render-api";
    api.wait = true;
    assertThat(failure(api))
        .isEqualTo(
            "settings.xml server 'render-api' (named by <renderApiKeyServerId>) has no <password>:"
                + " put the Render API key in its <password>.");
  }

  @Test
  void everySecretFromSettingsXmlIsRegisteredAndNeverLogged() throws Exception {
    ShipPlan plan = plan(everySecretFromSettingsXml());

    assertThat(plan.login().secret()).isEqualTo(SERVER_PASSWORD);
    assertThat(plan.build().pullLogins()).containsOnlyKeys("ghcr.io");
    assertThat(plan.render().hook().serviceId()).isEqualTo("srv-srv1");
    assertThat(plan.render().apiKey()).isEqualTo(SERVER_API_KEY);
    String base64Login =
        java.util.Base64.getEncoder()
            .encodeToString(("ci:" + SERVER_PASSWORD).getBytes(StandardCharsets.UTF_8));
    for (String secret :
        List.of(
            SERVER_PASSWORD,
            base64Login,
            "https://api.render.com/deploy/srv-srv1?key=" + SERVER_HOOK_KEY,
            SERVER_HOOK_KEY,
            SERVER_API_KEY)) {
      assertThat(secrets.redact("x " + secret + " y")).isEqualTo("x **** y");
    }
    assertThat(log.debug).isNotEmpty(); // the log did say something: about the secrets' sources
  }

  @Test
  void everySecretFromTheEnvironmentIsRegisteredAndNeverLogged() {
    Settings settings = valid().image("ghcr.io/team/app");
    settings.wait = true;

    ShipPlan plan = plan(settings);

    assertThat(plan.login().secret()).isEqualTo(REGISTRY_PASSWORD);
    for (String secret : List.of(HOOK, HOOK_KEY, API_KEY, REGISTRY_PASSWORD)) {
      assertThat(secrets.redact("x " + secret + " y")).isEqualTo("x **** y");
    }
  }

  @Test
  void aSecretFoundBeforeAFailureIsRegisteredAndNotInTheMessage() {
    Settings settings = valid().withoutApiKey();
    settings.wait = true;

    assertThat(failure(settings)).contains("<wait>").doesNotContain(HOOK_KEY);
    assertThat(secrets.redact(HOOK)).isEqualTo("****");
  }

  @Test
  void neitherTheSettingsNorThePlanPrintASecret() throws Exception {
    try (Git git = Git.open(repo.toFile())) {
      var config = git.getRepository().getConfig();
      config.setString(
          "remote", "origin", "url", "https://ci:" + REMOTE_TOKEN + "@github.com/team/app.git");
      config.save();
    }
    for (Settings settings :
        List.of(everySecretFromSettingsXml(), valid().image("ghcr.io/team/app"))) {
      settings.env.put("REMOTE_TOKEN_FOR_THE_TEST", REMOTE_TOKEN);
      ShipSettings raw = settings.toSettings();
      ShipPlan plan = plan(settings);

      assertThat(plan.build().labels())
          .containsEntry("org.opencontainers.image.source", "https://github.com/team/app.git");
      assertThat(plan.toString()).contains("srv-").contains("ghcr.io/team/app");
      for (String canary : CANARIES) {
        assertThat(raw.toString()).doesNotContain(canary);
        assertThat(plan.settings().toString()).doesNotContain(canary);
        assertThat(plan.toString()).doesNotContain(canary);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** Raw settings, valid unless a test changes one thing; each goal's part only if it runs. */
  @Test
  void secretsAndSshAreCheckedAndEnvValuesMaskedBeforeAnythingIsBuilt() throws Exception {
    Settings settings = valid();
    Path file = Files.writeString(home.resolve("settings.xml"), "<settings/>");
    settings.env.put("NPM_TOKEN", "canary-npm-token-77");
    settings.secrets =
        List.of(
            new ShipSettings.Secret("npm", "NPM_TOKEN", null),
            new ShipSettings.Secret(" m2 ", null, file));
    ShipPlan plan = plan(settings);
    assertThat(plan.services().secrets().sources())
        .extracting(s -> s.id() + " " + s.describe())
        .containsExactly("npm env NPM_TOKEN", "m2 file " + file);
    assertThat(plan.services().ssh().isEmpty()).isTrue();
    assertThat(plan.services().toString()).doesNotContain("canary");
    assertThat(secrets.redact("token canary-npm-token-77")).isEqualTo("token ****");
  }

  final class Settings {
    Set<Goal> running = EnumSet.of(Goal.BUILD, Goal.PUSH, Goal.DEPLOY);
    final Map<Goal, String> skipped = new EnumMap<>(Goal.class);
    String image = "127.0.0.1:5000/team/app";
    List<String> tags = List.of();
    List<String> branches = List.of();
    boolean allowDirty;
    String dockerHost;
    String serverId;
    String hookServerId;
    String apiKeyServerId;
    String serviceId;
    String deployId;
    String apiUrl = "https://api.render.com";
    boolean wait;
    String timeout = "PT10M";
    String pollInterval = "PT5S";
    Path dockerfile = repo.resolve("Dockerfile");
    Path context = repo;
    final Map<String, String> buildArgs = new LinkedHashMap<>();
    final Map<String, String> labels = new LinkedHashMap<>();
    String target;
    String platform;
    boolean pull;
    boolean noCache;
    String builder = "auto";
    String network = "default";
    List<String> cacheFrom = List.of();
    List<ShipSettings.Secret> secrets = List.of();
    String ssh;
    int retries = 3;
    String stallTimeout = "PT2M";

    /** Never the machine's: PATH has only the test's helpers. */
    final Map<String, String> env =
        new HashMap<>(
            Map.of(
                "PATH",
                bin.toString(),
                ShipProperties.HOOK_VARIABLE,
                HOOK,
                ShipProperties.API_KEY_VARIABLE,
                API_KEY,
                CredentialResolver.USERNAME_VARIABLE,
                "ci",
                CredentialResolver.PASSWORD_VARIABLE,
                REGISTRY_PASSWORD));

    Path repo() {
      return repo;
    }

    Path home() {
      return home;
    }

    Settings image(String image) {
      this.image = image;
      return this;
    }

    Settings withoutRegistryLogin() {
      env.remove(CredentialResolver.USERNAME_VARIABLE);
      env.remove(CredentialResolver.PASSWORD_VARIABLE);
      return this;
    }

    /** No deploy hook in the environment. */
    Settings withoutHook() {
      env.remove(ShipProperties.HOOK_VARIABLE);
      return this;
    }

    /** No Render API key in the environment. */
    Settings withoutApiKey() {
      env.remove(ShipProperties.API_KEY_VARIABLE);
      return this;
    }

    Settings hook(String url) {
      env.put(ShipProperties.HOOK_VARIABLE, url);
      return this;
    }

    /** Only these goals run. */
    Settings only(Goal... goals) {
      running = EnumSet.copyOf(Arrays.asList(goals));
      return this;
    }

    Settings skip(Goal goal, String flag) {
      running.remove(goal);
      skipped.put(goal, flag);
      return this;
    }

    ShipSettings toSettings() {
      return new ShipSettings(
          Set.copyOf(running),
          Map.copyOf(skipped),
          new ShipSettings.Project(
              repo, repo.resolve("target"), "app", "Ship App", "1.2.3", null, Map.of()),
          new ShipSettings.Common(image, tags, branches, allowDirty, dockerHost, serverId),
          new ShipSettings.Render(
              hookServerId, apiKeyServerId, serviceId, apiUrl, wait, timeout, pollInterval),
          running.contains(Goal.BUILD)
              ? new ShipSettings.Build(
                  dockerfile,
                  context,
                  buildArgs,
                  labels,
                  target,
                  platform,
                  pull,
                  noCache,
                  builder,
                  network,
                  cacheFrom,
                  secrets,
                  ssh)
              : null,
          running.contains(Goal.PUSH) ? new ShipSettings.Push(retries, stallTimeout) : null,
          running.contains(Goal.DEPLOY) ? new ShipSettings.Deploy(false, true) : null,
          running.contains(Goal.ROLLBACK) ? new ShipSettings.Rollback(deployId) : null,
          Map.copyOf(env),
          home);
    }
  }
}

package io.github.shipmaven.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.shipmaven.docker.ScriptedDaemon;
import io.github.shipmaven.git.TestRepository;
import io.github.shipmaven.plan.Goal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each goal through the plugin testing harness, configured from a POM, on a real git repository.
 */
@MojoTest
class GoalsTest {
  static final String POM = "src/test/resources/projects/basic/pom.xml";
  static final String HOOK_KEY = "hookKeyCanary77";
  static final String API_KEY = "rnd_apiKeyCanary88";

  @TempDir Path repo;
  @TempDir Path home;
  String sha;
  final List<String> lines = new ArrayList<>();
  final Map<String, String> env = new HashMap<>();

  /** The other ship executions of the build, as Maven's execution plan would give them. */
  final List<AbstractShipMojo.Execution> others = new ArrayList<>();

  final ShipExecutions executions =
      new ShipExecutions() {
        @Override
        public List<AbstractShipMojo.Execution> others(AbstractShipMojo current) {
          return others;
        }

        @Override
        public Map<Goal, String> bindings(AbstractShipMojo current) {
          return Map.of(Goal.BUILD, "bound to package");
        }
      };

  @BeforeEach
  void gitRepository() throws Exception {
    sha =
        TestRepository.committed(
            repo, Map.of("pom.xml", "<project/>", "Dockerfile", "FROM scratch\n"));
    env.put("SHIP_REGISTRY_USERNAME", "user");
    env.put("SHIP_REGISTRY_PASSWORD", "registryPasswordCanary99");
  }

  /** The harness gives a mock project; the goals need a real one on the git repository. */
  <T extends AbstractShipMojo> T prepare(T mojo) {
    MavenProject project = new MavenProject();
    project.setGroupId("test.ship");
    project.setArtifactId("basic");
    project.setVersion("1.0.0");
    project.setFile(repo.resolve("pom.xml").toFile());
    project.getBuild().setDirectory(repo.resolve("target").toString());
    mojo.project = project;
    mojo.environment = env;
    mojo.home = home;
    mojo.executions = executions;
    mojo.setLog(
        new SystemStreamLog() {
          @Override
          public void info(CharSequence content) {
            lines.add("INFO " + content);
          }

          @Override
          public void warn(CharSequence content) {
            lines.add("WARN " + content);
          }

          @Override
          public boolean isDebugEnabled() {
            return true;
          }

          @Override
          public void debug(CharSequence content) {
            lines.add("DEBUG " + content);
          }
        });
    return mojo;
  }

  String output() {
    return String.join("\n", lines);
  }

  @Test
  @InjectMojo(goal = "info", pom = POM)
  void infoPrintsThePlanAndNoSecret(InfoMojo mojo) throws Exception {
    env.put("RENDER_DEPLOY_HOOK_URL", "https://api.render.com/deploy/srv-abc123?key=" + HOOK_KEY);
    env.put("RENDER_API_KEY", API_KEY);
    prepare(mojo).execute();
    assertThat(output())
        .contains("127.0.0.1:5000/team/basic (registry 127.0.0.1:5000)")
        .contains("Commit:     " + sha + " (clean)")
        .contains("Branch:     main (from git (HEAD is on a branch))")
        .contains(
            "127.0.0.1:5000/team/basic:"
                + sha
                + ", 127.0.0.1:5000/team/basic:main-"
                + sha.substring(0, 7))
        .contains("Login:      env SHIP_REGISTRY_USERNAME/SHIP_REGISTRY_PASSWORD")
        .contains(
            "Deploy hook: env RENDER_DEPLOY_HOOK_URL (https://api.render.com, service srv-abc123)")
        .contains("Render API: key found")
        .doesNotContain(HOOK_KEY)
        .doesNotContain(API_KEY)
        .doesNotContain("registryPasswordCanary99");
    assertThat(repo.resolve("target")).doesNotExist();
  }

  @Test
  @InjectMojo(goal = "info", pom = POM)
  void infoShowsTheSourceWithoutTheRemotesCredentials(InfoMojo mojo) throws Exception {
    Files.writeString(
        repo.resolve(".git/config"),
        "[remote \"origin\"]\n\turl = https://ci_user:GitTokenCanary42@git_server.internal/a.git\n",
        StandardOpenOption.APPEND);
    prepare(mojo).execute();
    assertThat(output())
        .contains("Source:     https://git_server.internal/a.git")
        .doesNotContain("GitTokenCanary42");
  }

  @Test
  @InjectMojo(goal = "info", pom = POM)
  void infoAsksTheDaemonOverOneConnection(InfoMojo mojo) throws Exception {
    try (ScriptedDaemon daemon = ScriptedDaemon.start(home.resolve("daemon"))) {
      env.put("DOCKER_HOST", daemon.host());
      prepare(mojo).execute();
      assertThat(output())
          .contains(
              "Engine:     Docker Engine 20.10.24+dfsg1 (API 1.41, linux/amd64) at "
                  + daemon.host()
                  + " (DOCKER_HOST)")
          .contains(
              "Builder:    BuildKit (the daemon offers it); through a BuildKit session, as the"
                  + " docker CLI: the context is sent as BuildKit asks for it (only what the"
                  + " Dockerfile uses, on a rebuild only what changed)")
          .contains("Platform:   not built yet");
      assertThat(daemon.requests("GET /_ping")).hasSize(1);
    }
  }

  @Test
  @InjectMojo(goal = "build", pom = POM)
  void buildWithoutADockerfileFailsNamingTheElement(BuildMojo mojo) throws Exception {
    Files.delete(repo.resolve("Dockerfile"));
    prepare(mojo);
    mojo.dockerfile = repo.resolve("Dockerfile").toFile();
    mojo.contextDirectory = repo.toFile();
    assertThatThrownBy(mojo::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("<dockerfile> (ship.dockerfile)")
        .hasMessageContaining("does not exist");
    assertThat(repo.resolve("target/ship/image.json")).doesNotExist();
  }

  /**
   * {@code <image>} is not marked required for Maven (whose message names neither the property nor
   * the fix): a goal without it fails in the plugin's one line, before anything is built; a skipped
   * goal needs none.
   */
  @Test
  @InjectMojo(goal = "build", pom = POM)
  void buildWithoutAnImageFailsInOneLineNamingTheElementAndTheFix(BuildMojo mojo) throws Exception {
    env.put("DOCKER_HOST", "unix://" + home.resolve("no-daemon.sock"));
    prepare(mojo).image = null;
    mojo.dockerfile = repo.resolve("Dockerfile").toFile();
    mojo.contextDirectory = repo.toFile();
    assertThatThrownBy(mojo::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageStartingWith("<image> (ship.image) is not set: ")
        .hasMessageContaining("-Dship.image=docker.io/team/app")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThat(repo.resolve("target/ship/image.json")).doesNotExist();

    mojo.skip = true;
    lines.clear();
    mojo.execute();
    assertThat(lines)
        .filteredOn(line -> !line.startsWith("DEBUG"))
        .containsExactly("INFO Skipping ship:build (ship.skip).");
  }

  /** docker's config is found as the docker CLI finds it: under HOME, else the account's home. */
  @Test
  void theHomeForDockersConfigIsHomeElseTheAccounts() {
    assertThat(AbstractShipMojo.home(Map.of("HOME", "/github/home"), "/root"))
        .isEqualTo(Path.of("/github/home"));
    assertThat(AbstractShipMojo.home(Map.of(), "/root")).isEqualTo(Path.of("/root"));
    assertThat(AbstractShipMojo.home(Map.of("HOME", " "), "/root")).isEqualTo(Path.of("/root"));
    assertThat(AbstractShipMojo.home(Map.of("HOME", "bad\0path"), "/root"))
        .isEqualTo(Path.of("/root"));
  }

  @Test
  @InjectMojo(goal = "build", pom = POM)
  void skipSaysSoInOneLine(BuildMojo mojo) throws Exception {
    prepare(mojo).skip = true;
    mojo.execute();
    assertThat(lines).containsExactly("INFO Skipping ship:build (ship.skip).");
  }

  @Test
  @InjectMojo(goal = "push", pom = POM)
  void pushRefusesADirtyTreeListingThePaths(PushMojo mojo) throws Exception {
    Files.writeString(repo.resolve("Dockerfile"), "FROM scratch\nLABEL x=y\n");
    assertThatThrownBy(prepare(mojo)::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("uncommitted changes to tracked files (Dockerfile)")
        .hasMessageContaining("<allowDirty>");
  }

  @Test
  @InjectMojo(goal = "push", pom = POM)
  void pushSkipsOnABranchNotListed(PushMojo mojo) throws Exception {
    prepare(mojo).branches = List.of("release/*");
    mojo.execute();
    assertThat(lines)
        .contains("INFO Skipping ship:push: branch 'main' matches none of <branches> (release/*).");
  }

  @Test
  @InjectMojo(goal = "push", pom = POM)
  void pushWithoutALoginForARemoteRegistryFailsBeforeAnyWork(PushMojo mojo) throws Exception {
    env.clear();
    prepare(mojo).image = "ghcr.io/team/basic";
    assertThatThrownBy(mojo::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("No login for registry ghcr.io")
        .hasMessageContaining("settings.xml server 'ghcr.io'");
  }

  static final String DIGEST = "sha256:" + "cd".repeat(32);

  void pushedFrom(String commit) throws Exception {
    Files.createDirectories(repo.resolve("target/ship"));
    Files.writeString(
        repo.resolve("target/ship/image.json"),
        "{\"image\":\"127.0.0.1:5000/team/basic\",\"digest\":\""
            + DIGEST
            + "\",\"git\":{\"sha\":\""
            + commit
            + "\"}}");
  }

  /** Runs the deploy goal against a Render stand-in; returns the imgURL it was sent. */
  String deployAgainstRender(DeployMojo mojo) throws Exception {
    try (MockWebServer render = new MockWebServer()) {
      render.enqueue(
          new MockResponse.Builder().code(200).body("{\"deploy\":{\"id\":\"dep-42\"}}").build());
      render.start();
      env.put(
          "RENDER_DEPLOY_HOOK_URL", render.url("/deploy/srv-abc123?key=" + HOOK_KEY).toString());
      prepare(mojo).execute();
      return render.takeRequest().getUrl().queryParameter("imgURL");
    }
  }

  @Test
  @InjectMojo(goal = "deploy", pom = POM)
  void deployPostsThePushedDigestAndRecordsTheDeploy(DeployMojo mojo) throws Exception {
    String digest = DIGEST;
    pushedFrom(sha);
    Path summary = repo.resolve("step-summary.md");
    env.put("GITHUB_STEP_SUMMARY", summary.toString());
    assertThat(deployAgainstRender(mojo)).isEqualTo("127.0.0.1:5000/team/basic@" + digest);
    assertThat(Files.readString(repo.resolve("target/ship/image.json")))
        .contains("\"id\" : \"dep-42\"")
        .contains("\"status\" : \"triggered\"")
        .contains(digest);
    assertThat(output()).contains("Render deploy dep-42 of").doesNotContain(HOOK_KEY);
    assertThat(Files.readString(summary))
        .contains("[dep-42](https://dashboard.render.com/web/srv-abc123/deploys/dep-42) triggered")
        .contains("127.0.0.1:5000/team/basic@" + digest)
        .doesNotContain(HOOK_KEY);
  }

  @Test
  @InjectMojo(goal = "deploy", pom = POM)
  void deployRejectsAPlainHttpHookWithoutShowingIt(DeployMojo mojo) throws Exception {
    env.put("RENDER_DEPLOY_HOOK_URL", "http://api.render.com/deploy/srv-abc123?key=" + HOOK_KEY);
    assertThatThrownBy(prepare(mojo)::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("env RENDER_DEPLOY_HOOK_URL")
        .hasMessageContaining("not https")
        .satisfies(
            e -> assertThat(e.getMessage()).doesNotContain(HOOK_KEY).doesNotContain("srv-abc123"));
  }

  @Test
  @InjectMojo(goal = "deploy", pom = POM)
  void deployNeverTakesADigestPushedFromAnotherCommit(DeployMojo mojo) throws Exception {
    pushedFrom("0".repeat(40));
    env.put("RENDER_DEPLOY_HOOK_URL", "https://api.render.com/deploy/srv-abc123?key=" + HOOK_KEY);
    assertThatThrownBy(prepare(mojo)::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("was pushed from commit " + sha.substring(0, 7))
        .hasMessageContaining("run ship:push before ship:deploy")
        .hasMessageContaining("<allowTagDeploy>");
  }

  @Test
  @InjectMojo(goal = "deploy", pom = POM)
  void deployOfATagWhenAllowedAndNothingWasPushed(DeployMojo mojo) throws Exception {
    mojo.allowTagDeploy = true;
    assertThat(deployAgainstRender(mojo)).isEqualTo("127.0.0.1:5000/team/basic:" + sha);
    assertThat(output()).contains("deploying the tag");
  }

  /**
   * {@code mvn deploy}'s three goals in one build: the first makes the plan (one git read, one
   * "Plan:" line), the daemon goals share one connection (one ping), and each goal adds to the
   * record.
   */
  @Test
  void theGoalsOfOnePipelineShareOnePlanAndOneDaemonConnection(
      @InjectMojo(goal = "build", pom = POM) BuildMojo build,
      @InjectMojo(goal = "push", pom = POM) PushMojo push,
      @InjectMojo(goal = "deploy", pom = POM) DeployMojo deploy)
      throws Exception {
    String imageId = "sha256:" + "b8".repeat(32);
    List<AbstractShipMojo> goals = List.of(prepare(build), prepare(push), prepare(deploy));
    push.project = build.project; // one project, one build
    deploy.project = build.project;
    build.builder = "classic";
    build.dockerfile = repo.resolve("Dockerfile").toFile();
    build.contextDirectory = repo.toFile();
    ShipExecutions pipeline =
        new ShipExecutions() {
          @Override
          public List<AbstractShipMojo.Execution> others(AbstractShipMojo current) {
            return goals.stream().filter(g -> g != current).map(g -> g.execution()).toList();
          }

          @Override
          public Map<Goal, String> bindings(AbstractShipMojo current) {
            return Map.of();
          }
        };
    try (ScriptedDaemon daemon = ScriptedDaemon.start(home.resolve("daemon"));
        MockWebServer render = new MockWebServer()) {
      daemon.on(
          "POST /build",
          (request, reply) ->
              reply.stream(
                  List.of(
                      "{\"stream\":\"Step 1/1 : FROM scratch\\n\"}",
                      "{\"aux\":{\"ID\":\"" + imageId + "\"}}",
                      "{\"stream\":\"Successfully built b8b8b8b8b8b8\\n\"}")));
      daemon.on(
          "GET /images/",
          (request, reply) ->
              reply.json(
                  200, "{\"Id\":\"" + imageId + "\",\"Os\":\"linux\",\"Architecture\":\"amd64\"}"));
      daemon.on(
          "POST /images/",
          (request, reply) ->
              reply.stream(
                  List.of(
                      "{\"status\":\"The push refers to repository [127.0.0.1:5000/team/basic]\"}",
                      "{\"progressDetail\":{},\"aux\":{\"Tag\":\"t\",\"Digest\":\""
                          + DIGEST
                          + "\",\"Size\":527}}")));
      daemon.on(
          "GET /distribution/",
          (request, reply) -> reply.json(200, "{\"Descriptor\":{\"digest\":\"" + DIGEST + "\"}}"));
      render.enqueue(
          new MockResponse.Builder().code(200).body("{\"deploy\":{\"id\":\"dep-42\"}}").build());
      render.start();
      env.put("DOCKER_HOST", daemon.host());
      env.put(
          "RENDER_DEPLOY_HOOK_URL", render.url("/deploy/srv-abc123?key=" + HOOK_KEY).toString());
      for (AbstractShipMojo goal : goals) {
        goal.executions = pipeline;
        goal.execute();
      }

      assertThat(daemon.requests("GET /_ping")).as("one connection for build and push").hasSize(1);
      assertThat(daemon.requests("POST /build")).hasSize(1);
      assertThat(daemon.requests("POST /images/")).as("both tags pushed").hasSize(2);
      assertThat(lines.stream().filter(l -> l.startsWith("DEBUG Plan: ")))
          .as("one plan, made by ship:build")
          .hasSize(1);
      assertThat(render.takeRequest().getUrl().queryParameter("imgURL"))
          .isEqualTo("127.0.0.1:5000/team/basic@" + DIGEST);
    }
    assertThat(Files.readString(repo.resolve("target/ship/image.json")))
        .contains(imageId)
        .contains(DIGEST)
        .contains("\"id\" : \"dep-42\"");
    // The project properties the contract names, for later plugins of the build.
    assertThat(build.project.getProperties())
        .containsEntry("ship.git.sha", sha)
        .containsEntry("ship.git.shortSha", sha.substring(0, 7))
        .containsEntry("ship.git.branch", "main")
        .containsEntry("ship.image.id", imageId)
        .containsEntry("ship.image.digest", DIGEST);
  }

  /** A plan made by an earlier goal that did not foresee push or deploy (no login, no hook). */
  void planWithoutPushOrDeploy(AbstractShipMojo mojo) throws Exception {
    InfoMojo info = new InfoMojo(null, null, null);
    info.project = mojo.project;
    info.executions = executions;
    info.setLog(mojo.getLog());
    info.environment = env;
    info.home = home;
    info.image = mojo.image;
    info.tags = mojo.tags;
    info.execute();
    assertThat(mojo.project.getContextValue(Pipeline.class.getName())).isNotNull();
  }

  @Test
  @InjectMojo(goal = "push", pom = POM)
  void pushChecksTheLoginItselfWhenThePlanDidNotForeseeIt(PushMojo mojo) throws Exception {
    env.clear();
    prepare(mojo).image = "ghcr.io/team/basic";
    planWithoutPushOrDeploy(mojo);
    assertThatThrownBy(mojo::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("No login for registry ghcr.io");
  }

  @Test
  @InjectMojo(goal = "deploy", pom = POM)
  void deployChecksTheApiKeyItselfWhenThePlanDidNotForeseeIt(DeployMojo mojo) throws Exception {
    pushedFrom(sha);
    try (MockWebServer render = new MockWebServer()) {
      render.start();
      env.put(
          "RENDER_DEPLOY_HOOK_URL", render.url("/deploy/srv-abc123?key=" + HOOK_KEY).toString());
      prepare(mojo).wait = true;
      planWithoutPushOrDeploy(mojo);
      assertThatThrownBy(mojo::execute)
          .isInstanceOf(MojoFailureException.class)
          .hasMessageContaining("RENDER_API_KEY is not set");
      assertThat(render.getRequestCount()).isZero();
    }
  }

  @Test
  @InjectMojo(goal = "deploy", pom = POM)
  void deployWaitingWithoutAnApiKeyFailsBeforeAnything(DeployMojo mojo) throws Exception {
    env.put("RENDER_DEPLOY_HOOK_URL", "https://api.render.com/deploy/srv-abc123?key=" + HOOK_KEY);
    prepare(mojo).wait = true;
    assertThatThrownBy(mojo::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("RENDER_API_KEY is not set");
  }

  static String renderDeploy(String id, String status, String digest) {
    return "{\"id\":\""
        + id
        + "\",\"status\":\""
        + status
        + "\",\"image\":{\"ref\":\"127.0.0.1:5000/team/basic@"
        + digest
        + "\",\"sha\":\""
        + digest
        + "\"}}";
  }

  @Test
  @InjectMojo(goal = "rollback", pom = POM)
  void rollbackGoesBackToThePreviousLiveDeployAndRecordsIt(RollbackMojo mojo) throws Exception {
    String previous = "sha256:" + "ab".repeat(32);
    try (MockWebServer render = new MockWebServer()) {
      render.enqueue(
          new MockResponse.Builder()
              .code(200)
              .body(
                  "[{\"deploy\":"
                      + renderDeploy("dep-3", "live", DIGEST)
                      + "},{\"deploy\":"
                      + renderDeploy("dep-2", "deactivated", previous)
                      + "}]")
              .build());
      render.enqueue(
          new MockResponse.Builder()
              .code(201)
              .body(renderDeploy("dep-4", "created", previous))
              .build());
      render.enqueue(
          new MockResponse.Builder()
              .code(200)
              .body(renderDeploy("dep-4", "live", previous))
              .build());
      render.start();
      env.put("RENDER_API_KEY", API_KEY);
      prepare(mojo).renderServiceId = "srv-abc123";
      mojo.renderApiUrl = render.url("/").toString();
      mojo.pollInterval = "PT0.01S";
      mojo.execute();
      assertThat(render.takeRequest().getUrl().encodedPath())
          .isEqualTo("/v1/services/srv-abc123/deploys");
      assertThat(render.takeRequest().getBody().utf8()).isEqualTo("{\"deployId\":\"dep-2\"}");
    }
    assertThat(Files.readString(repo.resolve("target/ship/image.json")))
        .contains("\"id\" : \"dep-4\"")
        .contains("\"status\" : \"live\"");
    assertThat(output()).contains("Render rollback dep-4 is live").doesNotContain(API_KEY);
  }

  @Test
  @InjectMojo(goal = "rollback", pom = POM)
  void rollbackWithoutAnApiKeyFailsBeforeAskingRender(RollbackMojo mojo) throws Exception {
    prepare(mojo).renderServiceId = "srv-abc123";
    assertThatThrownBy(mojo::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("ship:rollback of service srv-abc123 needs an API key")
        .hasMessageContaining("RENDER_API_KEY is not set");
  }

  @Test
  @InjectMojo(goal = "deploy", pom = POM)
  void deployThroughTheApiWhenOnlyAServiceIsSet(DeployMojo mojo) throws Exception {
    pushedFrom(sha);
    try (MockWebServer render = new MockWebServer()) {
      render.enqueue(
          new MockResponse.Builder()
              .code(201)
              .body(renderDeploy("dep-9", "created", DIGEST))
              .build());
      render.start();
      env.put("RENDER_API_KEY", API_KEY);
      prepare(mojo).renderServiceId = "srv-abc123";
      mojo.renderApiUrl = render.url("/").toString();
      mojo.execute();
      var trigger = render.takeRequest();
      assertThat(trigger.getUrl().encodedPath()).isEqualTo("/v1/services/srv-abc123/deploys");
      assertThat(trigger.getHeaders().get("Authorization")).isEqualTo("Bearer " + API_KEY);
      assertThat(trigger.getBody().utf8())
          .contains("\"imageUrl\":\"127.0.0.1:5000/team/basic@" + DIGEST + "\"");
    }
    assertThat(output()).contains("Render deploy dep-9 of").contains("(through the API)");
    assertThat(output()).doesNotContain(API_KEY);
  }
}

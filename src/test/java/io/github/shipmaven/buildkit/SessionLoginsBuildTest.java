package io.github.shipmaven.buildkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.shipmaven.core.RecordingLog;
import io.github.shipmaven.core.Secrets;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.docker.DockerConnector;
import io.github.shipmaven.docker.DockerDaemon;
import io.github.shipmaven.docker.ImageBuilder;
import io.github.shipmaven.docker.ScriptedDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Point 3 of issue 21: when the build's session answers BuildKit's logins, the BuildKit path pulls
 * nothing first, not even with {@code pull}, and leaves the pull (with {@code pull=1}) to BuildKit.
 */
class SessionLoginsBuildTest {
  @TempDir Path dir;
  ScriptedDaemon daemon;
  final RecordingLog log = new RecordingLog();
  Path context;

  @BeforeEach
  void start() throws Exception {
    daemon = ScriptedDaemon.start(dir.resolve("daemon"));
    context = Files.createDirectories(dir.resolve("app"));
    Files.writeString(
        context.resolve("Dockerfile"), "FROM " + BuildKitBuildTest.PRIVATE_BASE + "\nRUN true\n");
    daemon.on(
        "POST /build",
        (request, reply) ->
            reply.stream(ScriptedDaemon.recorded("docker-20.10/buildkit-good.jsonl")));
  }

  @AfterEach
  void stop() throws Exception {
    daemon.close();
  }

  @Test
  void aBaseImageBehindALoginIsLeftToBuildKitWhenTheSessionAnswersLogins() {
    ImageBuilder.Request request =
        new ImageBuilder.Request(
            context,
            context.resolve("Dockerfile"),
            List.of("example/app:1"),
            Map.of(),
            Map.of(),
            null,
            null,
            true,
            false,
            "host",
            List.of(),
            Map.of("127.0.0.1:5000", BuildKitBuildTest.LOGIN));
    List<GrpcMethod> methods =
        new BuildServices(
                BuildSecrets.NONE,
                SshAgents.NONE,
                registry -> Optional.of(BuildKitBuildTest.LOGIN),
                new Secrets())
            .methods(log);
    BuildKitBuilder runner = new BuildKitBuilder(log, methods);
    assertThat(runner.logsIn()).isTrue();
    try (DockerDaemon docker =
        new DockerConnector(Map.of(), dir, ShipLog.NONE).connect(daemon.host())) {
      assertThat(new ImageBuilder(docker, log, runner).build(request, BuildKitBuildTest.BUILDKIT))
          .isEqualTo(BuildKitBuildTest.GOOD_ID);
    }
    assertThat(daemon.requests("POST /images/create")).isEmpty();
    assertThat(daemon.requests("GET /images/")).isEmpty();
    assertThat(BuildKitBuildTest.query(daemon.requests("POST /build").get(0), "pull"))
        .containsExactly("1");
    assertThat(log.lines).noneMatch(line -> line.startsWith("Pulled base image"));
    // without the Auth service (a runner of Health alone) nothing says the session logs in
    assertThat(new BuildKitBuilder(log).logsIn()).isFalse();
  }
}

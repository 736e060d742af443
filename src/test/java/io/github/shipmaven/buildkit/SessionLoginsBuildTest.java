package io.github.shipmaven.buildkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.shipmaven.core.RecordingLog;
import io.github.shipmaven.core.Secrets;
import io.github.shipmaven.docker.BuildRequest;
import io.github.shipmaven.docker.DockerDaemon;
import io.github.shipmaven.docker.ImageBuilder;
import io.github.shipmaven.docker.ScriptedDaemon;
import io.github.shipmaven.docker.ScriptedDaemonTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Point 3 of issue 21: when the build's session answers BuildKit's logins, the BuildKit path pulls
 * nothing first, not even with {@code pull}, and leaves the pull (with {@code pull=1}) to BuildKit.
 */
class SessionLoginsBuildTest extends ScriptedDaemonTestBase {
  final RecordingLog log = new RecordingLog();
  Path context;

  @BeforeEach
  void contextAndBuild() throws Exception {
    context = Files.createDirectories(dir.resolve("app"));
    Files.writeString(
        context.resolve("Dockerfile"), "FROM " + BuildKitBuildTest.PRIVATE_BASE + "\nRUN true\n");
    daemon.on(
        "POST /build",
        (request, reply) ->
            reply.stream(ScriptedDaemon.recorded("docker-20.10/buildkit-good.jsonl")));
  }

  @Test
  void aBaseImageBehindALoginIsLeftToBuildKitWhenTheSessionAnswersLogins() {
    ImageBuilder.Request request =
        BuildRequest.of(context)
            .pull(true)
            .network("host")
            .pullLogins(Map.of("127.0.0.1:5000", BuildKitBuildTest.LOGIN))
            .toRequest();
    List<GrpcMethod> methods =
        new BuildServices(
                BuildSecrets.NONE,
                SshAgents.NONE,
                registry -> Optional.of(BuildKitBuildTest.LOGIN),
                new Secrets())
            .methods(log);
    BuildKitBuilder runner = new BuildKitBuilder(log, methods);
    assertThat(runner.logsIn()).isTrue();
    try (DockerDaemon docker = connect()) {
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

package io.github.shipmaven.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.shipmaven.core.ShipException;
import org.junit.jupiter.api.Test;

/** What DockerDaemon reads from a scripted daemon through the plugin's own transport. */
class DockerDaemonTest extends ScriptedDaemonTestBase {
  @Test
  void thePlatformOfAnImageIsItsInspectsOsAndArchitecture() throws Exception {
    daemon.on(
        "GET /images/127.0.0.1:5000/team/app:1/json",
        (request, reply) ->
            reply.json(
                200,
                "{\"Id\":\"sha256:ab\",\"RepoTags\":[\"127.0.0.1:5000/team/app:1\"],"
                    + "\"Config\":{\"Labels\":{\"Os\":\"windows\"}},\"Architecture\":\"arm64\","
                    + "\"Variant\":\"v8\",\"Os\":\"linux\",\"Size\":42}"));
    try (DockerDaemon docker = connect()) {
      assertThat(docker.platformOf("127.0.0.1:5000/team/app:1")).isEqualTo("linux/arm64");
    }
    assertThat(daemon.requests("GET /images/")).hasSize(1);
  }

  @Test
  void anImageTheDaemonDoesNotHaveHasNoPlatform() throws Exception {
    daemon.on(
        "GET /images/",
        (request, reply) -> reply.json(404, "{\"message\":\"No such image: team/app:1\"}"));
    try (DockerDaemon docker = connect()) {
      assertThat(docker.platformOf("team/app:1")).isNull();
    }
  }

  @Test
  void anInspectTheDaemonFailsIsOneLineWithItsWords() throws Exception {
    daemon.on(
        "GET /images/", (request, reply) -> reply.json(500, "{\"message\":\"disk on fire\"}"));
    try (DockerDaemon docker = connect()) {
      assertThatThrownBy(() -> docker.platformOf("team/app:1"))
          .isInstanceOf(ShipException.class)
          .hasMessageContaining("could not inspect team/app:1")
          .hasMessageContaining("HTTP 500")
          .hasMessageContaining("disk on fire")
          .hasMessageNotContaining("\n");
    }
  }
}

package io.github.shipmaven.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.shipmaven.core.ShipException;
import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** DOCKER_HOST values as the docker CLI reads them. */
class DockerHostTest {
  @ParameterizedTest
  @CsvSource({
    "unix:///var/run/docker.sock, unix:///var/run/docker.sock",
    "unix://, unix:///var/run/docker.sock",
    "unix:///run/user/1000/docker.sock, unix:///run/user/1000/docker.sock",
    "tcp://127.0.0.1:2376, tcp://127.0.0.1:2376",
    "tcp://127.0.0.1, tcp://127.0.0.1:2375",
    "tcp://127.0.0.1/, tcp://127.0.0.1:2375",
    "tcp://:2376, tcp://localhost:2376",
    "tcp://, tcp://localhost:2375",
    "127.0.0.1:2376, tcp://127.0.0.1:2376",
    "tcp://[::1], tcp://[::1]:2375",
    "tcp://[::1]:2376, tcp://[::1]:2376",
    "'  tcp://docker.internal:2376  ', tcp://docker.internal:2376",
    "tcp://docker_dind:2376, tcp://docker_dind:2376",
  })
  void readsAddressesAsTheCliDoes(String value, String expected) {
    assertThat(DockerHost.parse(value, "DOCKER_HOST")).hasToString(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "tcp://127.0.0.1:2376, 127.0.0.1, 2376",
    "tcp://docker_dind, docker_dind, 2375",
    "tcp://[::1]:2376, [::1], 2376",
  })
  void theHostAndPortToDialAreReadBack(String value, String host, int port) {
    URI uri = DockerHost.parse(value, "DOCKER_HOST");
    assertThat(DockerHost.hostName(uri)).isEqualTo(host);
    assertThat(DockerHost.port(uri)).isEqualTo(port);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ssh://deploy@build-host", "npipe:////./pipe/docker_engine", "fd://"})
  void cliTransportsThisPluginDoesNotSpeakAreNamed(String value) {
    assertThatThrownBy(() -> DockerHost.parse(value, "DOCKER_HOST"))
        .isInstanceOf(ShipException.class)
        .hasMessage(
            "DOCKER_HOST is "
                + value
                + ", but ship-maven-plugin speaks only to unix:// and tcp:// daemons: forward the"
                + " daemon's socket to one of those and point DOCKER_HOST at it.");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:2375",
        "tcp://127.0.0.1:99999",
        "tcp://127.0.0.1:http",
        "tcp://127.0.0.1:2375/v1.41",
        "tcp://user@127.0.0.1:2375",
        "tcp://[::1:2375",
        "unix://docker.sock",
      })
  void otherAddressesAreOneLineNamingTheSetting(String value) {
    assertThatThrownBy(() -> DockerHost.parse(value, "<dockerHost> (ship.docker.host)"))
        .isInstanceOf(ShipException.class)
        .hasMessage(
            "<dockerHost> (ship.docker.host) is "
                + value
                + ", which is not a Docker daemon address: use unix:///path/to/docker.sock or"
                + " tcp://host:port.");
  }
}

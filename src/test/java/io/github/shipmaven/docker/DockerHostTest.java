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
  @ValueSource(strings = {"npipe:////./pipe/docker_engine", "fd://"})
  void cliTransportsThisPluginDoesNotSpeakAreNamed(String value) {
    assertThatThrownBy(() -> DockerHost.parse(value, "DOCKER_HOST"))
        .isInstanceOf(ShipException.class)
        .hasMessage(
            "DOCKER_HOST is "
                + value
                + ", but ship-maven-plugin speaks only to unix://, tcp:// and ssh:// daemons:"
                + " forward the daemon's socket to one of those and point DOCKER_HOST at it.");
  }

  /** docker/cli connhelper/ssh: user and port optional, a socket path after the host. */
  @ParameterizedTest
  @CsvSource(
      value = {
        "ssh://deploy@build-host | deploy | build-host | <none> | ''",
        "ssh://build-host | <none> | build-host | <none> | ''",
        "ssh://deploy@10.1.2.3:2222 | deploy | 10.1.2.3 | 2222 | ''",
        "ssh://my_box | <none> | my_box | <none> | ''",
        "ssh://[::1]:2222 | <none> | ::1 | 2222 | ''",
        "ssh://ci@build-host/run/user/1000/docker.sock | ci | build-host | <none> |"
            + " /run/user/1000/docker.sock",
      },
      delimiter = '|',
      nullValues = "<none>")
  void sshAddressesAreReadAsTheCliReadsThem(
      String value, String user, String host, String port, String path) {
    URI uri = DockerHost.parse(value, "DOCKER_HOST");
    assertThat(uri.getScheme()).isEqualTo("ssh");
    assertThat(DockerHost.sshUser(uri)).isEqualTo(user);
    assertThat(DockerHost.sshHostName(uri)).isEqualTo(host);
    assertThat(DockerHost.sshPort(uri)).isEqualTo(port);
    assertThat(uri.getPath()).isEqualTo(path);
    assertThat(DockerHost.shown(uri)).isEqualTo(value);
  }

  @ParameterizedTest
  @CsvSource(
      value = {
        "ssh:// | no host, or not a host name",
        "ssh://deploy@ | no host, or not a host name",
        "ssh://build host | not a URL (Illegal character in authority)",
        "ssh://build-host:99999 | the port is not a number from 1 to 65535",
        "ssh://build-host:ssh | the port is not a number from 1 to 65535",
        "ssh://build-host?x=1 | query parameters are not allowed",
        "ssh://build-host#x | fragments are not allowed",
      },
      delimiter = '|')
  void badSshAddressesAreOneLineNamingTheSettingAndWhy(String value, String why) {
    assertThatThrownBy(() -> DockerHost.parse(value, "<dockerHost> (ship.docker.host)"))
        .isInstanceOf(ShipException.class)
        .hasMessage(
            "<dockerHost> (ship.docker.host) is "
                + value
                + ", which is not an ssh daemon address ("
                + why
                + "): use ssh://[user@]host[:port].");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ssh://deploy:Canary-Ssh-Pw@build-host", "ssh://deploy:@build-host:22"})
  void anSshPasswordIsRefusedWithoutEchoingIt(String value) {
    assertThatThrownBy(() -> DockerHost.parse(value, "DOCKER_HOST"))
        .isInstanceOf(ShipException.class)
        .hasMessage(
            "DOCKER_HOST holds an ssh:// address with a password, which the docker CLI does not"
                + " take either: remove it and let ssh log in with a key (ssh-agent or"
                + " ~/.ssh/config).");
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

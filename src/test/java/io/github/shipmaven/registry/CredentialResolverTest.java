package io.github.shipmaven.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialResolverTest {
  @TempDir Path home;

  private static final CredentialResolver.Servers NO_SERVERS = id -> Optional.empty();

  private void dockerConfig(String json) throws Exception {
    Files.createDirectories(home.resolve(".docker"));
    Files.writeString(home.resolve(".docker/config.json"), json);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void settingsServerWinsOverEverythingElse() throws Exception {
    dockerConfig("{\"auths\":{\"ghcr.io\":{\"auth\":\"" + b64("d:dp") + "\"}}}");
    CredentialResolver.Servers servers =
        id ->
            id.equals("ghcr.io")
                ? Optional.of(
                    new RegistryCredentials("s", "sp", false, "settings.xml server 'ghcr.io'"))
                : Optional.empty();
    CredentialResolver resolver =
        new CredentialResolver(
            servers,
            Map.of("SHIP_REGISTRY_USERNAME", "e", "SHIP_REGISTRY_PASSWORD", "ep"),
            home,
            ShipLog.NONE);
    assertThat(resolver.resolve("ghcr.io", null).orElseThrow().source())
        .isEqualTo("settings.xml server 'ghcr.io'");
  }

  @Test
  void theServerIdDefaultsToTheHostThenTheHostWithoutPort() {
    CredentialResolver.Servers servers =
        id ->
            id.equals("registry.local")
                ? Optional.of(new RegistryCredentials("s", "sp", false, "server " + id))
                : Optional.empty();
    assertThat(
            new CredentialResolver(servers, Map.of(), home, ShipLog.NONE)
                .resolve("registry.local:5000", null))
        .map(RegistryCredentials::source)
        .contains("server registry.local");
  }

  @Test
  void aNamedServerThatIsMissingIsAnError() {
    assertThatThrownBy(
            () ->
                new CredentialResolver(NO_SERVERS, Map.of(), home, ShipLog.NONE)
                    .resolve("ghcr.io", "hub"))
        .isInstanceOf(ShipException.class)
        .hasMessageContaining("<serverId> (ship.serverId) is 'hub'");
  }

  @Test
  void halfASettingsServerLoginIsAnErrorNamingTheServer() {
    for (String[] login :
        new String[][] {
          {"ci", null, "has a <username> but no <password>"},
          {"ci", " ", "has a <username> but no <password>"},
          {null, "Canary-pw-1", "has a <password> but no <username>"},
          {null, null, "has neither <username> nor <password>"}
        }) {
      CredentialResolver.Servers servers =
          id -> Optional.of(new RegistryCredentials(login[0], login[1], false, "settings"));
      for (String serverId : new String[] {null, "ghcr-login"}) {
        String id = serverId == null ? "ghcr.io" : serverId;
        assertThatThrownBy(
                () ->
                    new CredentialResolver(servers, Map.of(), home, ShipLog.NONE)
                        .resolve("ghcr.io", serverId))
            .isInstanceOf(ShipException.class)
            .hasMessageStartingWith("settings.xml server '" + id + "' " + login[2])
            .hasMessageContaining("to that <server> in settings.xml")
            .hasMessageNotContaining("Canary");
      }
      // the base images' logins are looked up, and checked, the same way
      assertThatThrownBy(
              () ->
                  new CredentialResolver(servers, Map.of(), home, ShipLog.NONE)
                      .resolveForPull("ghcr.io"))
          .hasMessageContaining(login[2]);
    }
  }

  @Test
  void halfADockerConfigLoginIsAnError() throws Exception {
    for (String entry :
        new String[] {
          "{\"auth\":\"" + b64("user:") + "\"}",
          "{\"auth\":\"" + b64(":Canary-pw-2") + "\"}",
          "{\"username\":\"user\"}",
          "{\"password\":\"Canary-pw-2\"}"
        }) {
      dockerConfig("{\"auths\":{\"ghcr.io\":" + entry + "}}");
      assertThatThrownBy(
              () ->
                  new CredentialResolver(NO_SERVERS, Map.of(), home, ShipLog.NONE)
                      .resolve("ghcr.io", null))
          .isInstanceOf(ShipException.class)
          .hasMessageContaining("auths['ghcr.io']")
          .hasMessageContaining("run docker login again")
          .hasMessageNotContaining("Canary");
    }
  }

  @Test
  void environmentComesNext() throws Exception {
    dockerConfig("{\"auths\":{\"ghcr.io\":{\"auth\":\"" + b64("d:dp") + "\"}}}");
    RegistryCredentials found =
        new CredentialResolver(
                NO_SERVERS,
                Map.of("SHIP_REGISTRY_USERNAME", "e", "SHIP_REGISTRY_PASSWORD", "ep"),
                home,
                ShipLog.NONE)
            .resolve("ghcr.io", null)
            .orElseThrow();
    assertThat(found.username()).isEqualTo("e");
    assertThat(found.secret()).isEqualTo("ep");
    assertThat(found.source()).isEqualTo("env SHIP_REGISTRY_USERNAME/SHIP_REGISTRY_PASSWORD");
  }

  @Test
  void halfTheEnvironmentIsAnError() {
    assertThatThrownBy(
            () ->
                new CredentialResolver(
                        NO_SERVERS, Map.of("SHIP_REGISTRY_USERNAME", "e"), home, ShipLog.NONE)
                    .resolve("ghcr.io", null))
        .hasMessageContaining("SHIP_REGISTRY_PASSWORD is not set");
  }

  @Test
  void dockerConfigAuthsInEachForm() throws Exception {
    dockerConfig(
        "{\"auths\":{"
            + "\"https://index.docker.io/v1/\":{\"auth\":\""
            + b64("hubuser:hubpw")
            + "\"},"
            + "\"ghcr.io\":{\"username\":\"gu\",\"password\":\"gp\"},"
            + "\"https://quay.io\":{\"identitytoken\":\"tok\"}}}");
    CredentialResolver resolver = new CredentialResolver(NO_SERVERS, Map.of(), home, ShipLog.NONE);
    RegistryCredentials hub = resolver.resolve("docker.io", null).orElseThrow();
    assertThat(hub.username()).isEqualTo("hubuser");
    assertThat(hub.secret()).isEqualTo("hubpw");
    assertThat(hub.source()).contains("auths['https://index.docker.io/v1/']");
    assertThat(resolver.resolve("ghcr.io", null).orElseThrow().secret()).isEqualTo("gp");
    RegistryCredentials quay = resolver.resolve("quay.io", null).orElseThrow();
    assertThat(quay.identityToken()).isTrue();
    assertThat(quay.secret()).isEqualTo("tok");
    assertThat(resolver.resolve("example.com", null)).isEmpty();
  }

  @Test
  void dockerConfigDirectoryFromTheEnvironment() throws Exception {
    Path elsewhere = Files.createDirectories(home.resolve("elsewhere"));
    Files.writeString(
        elsewhere.resolve("config.json"),
        "{\"auths\":{\"ghcr.io\":{\"auth\":\"" + b64("a:b") + "\"}}}");
    assertThat(
            new CredentialResolver(
                    NO_SERVERS, Map.of("DOCKER_CONFIG", elsewhere.toString()), home, ShipLog.NONE)
                .resolve("ghcr.io", null))
        .isPresent();
  }

  @Test
  void aBrokenConfigIsNamedWithoutQuotingIt() throws Exception {
    dockerConfig("{\"auths\": {\"ghcr.io\": {\"auth\": \"c2VjcmV0\"  BROKEN");
    assertThatThrownBy(
            () ->
                new CredentialResolver(NO_SERVERS, Map.of(), home, ShipLog.NONE)
                    .resolve("ghcr.io", null))
        .hasMessageContaining("is not valid JSON")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("c2VjcmV0"));
  }

  @Test
  void credentialsNeverPrintTheirSecret() {
    assertThat(new RegistryCredentials("u", "hunter2", false, "src").toString())
        .doesNotContain("hunter2");
  }

  @Test
  void hubAliasesAreOneRegistry() {
    assertThat(DockerConfig.normalise("https://index.docker.io/v1/")).isEqualTo("docker.io");
    assertThat(DockerConfig.normalise("index.docker.io")).isEqualTo("docker.io");
    assertThat(DockerConfig.normalise("http://127.0.0.1:5000/v2/")).isEqualTo("127.0.0.1:5000");
  }
}

package io.github.shipmaven.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.shipmaven.core.RecordingLog;
import io.github.shipmaven.core.ShipException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credential helpers and credsStore, with fake helper scripts speaking the docker CLI protocol. */
class CredentialHelperTest {
  @TempDir Path home;
  @TempDir Path bin;
  final Map<String, String> env = new HashMap<>();
  final RecordingLog log = new RecordingLog();
  final List<String> warnings = log.lines;

  @BeforeEach
  void path() {
    env.put("PATH", bin + ":/usr/bin:/bin");
  }

  void config(String json) throws Exception {
    Files.createDirectories(home.resolve(".docker"));
    Files.writeString(home.resolve(".docker/config.json"), json);
  }

  /** A helper that records what it was asked on stdin and runs {@code body}. */
  void helper(String name, String body) throws Exception {
    Path script = bin.resolve("docker-credential-" + name);
    Files.writeString(
        script,
        "#!/bin/sh\n[ \"$1\" = get ] || exit 3\nread server\necho \"$server\" > \"$0.asked\"\n"
            + body
            + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
  }

  String asked(String name) throws Exception {
    return Files.readString(bin.resolve("docker-credential-" + name + ".asked")).trim();
  }

  Optional<RegistryCredentials> resolve(String registry) {
    return new CredentialResolver(id -> Optional.empty(), env, home, log, Duration.ofSeconds(2))
        .resolve(registry, null);
  }

  @Test
  void credHelpersForTheRegistryComeFirst() throws Exception {
    config(
        "{\"credHelpers\":{\"ghcr.io\":\"ghcr\"},\"credsStore\":\"store\",\"auths\":{\"ghcr.io\":{\"auth\":\"YTpi\"}}}");
    helper("ghcr", "echo '{\"ServerURL\":\"ghcr.io\",\"Username\":\"hu\",\"Secret\":\"hs\"}'");
    helper("store", "echo '{\"ServerURL\":\"ghcr.io\",\"Username\":\"su\",\"Secret\":\"ss\"}'");
    RegistryCredentials found = resolve("ghcr.io").orElseThrow();
    assertThat(found.username()).isEqualTo("hu");
    assertThat(found.secret()).isEqualTo("hs");
    assertThat(found.source()).isEqualTo("credential helper 'ghcr'");
    assertThat(asked("ghcr")).isEqualTo("ghcr.io");
  }

  @Test
  void credsStoreThenAuths() throws Exception {
    config("{\"credsStore\":\"store\",\"auths\":{\"ghcr.io\":{\"auth\":\"YTpi\"}}}");
    helper("store", "echo '{\"ServerURL\":\"ghcr.io\",\"Username\":\"su\",\"Secret\":\"ss\"}'");
    assertThat(resolve("ghcr.io").orElseThrow().source()).isEqualTo("credsStore 'store'");
  }

  @Test
  void dockerHubIsAskedForUnderItsV1Url() throws Exception {
    config("{\"credsStore\":\"store\"}");
    helper("store", "echo '{\"ServerURL\":\"x\",\"Username\":\"u\",\"Secret\":\"s\"}'");
    resolve("docker.io").orElseThrow();
    assertThat(asked("store")).isEqualTo("https://index.docker.io/v1/");
  }

  @Test
  void notFoundMeansTryTheNextSource() throws Exception {
    config("{\"credsStore\":\"store\",\"auths\":{\"ghcr.io\":{\"auth\":\"YTpi\"}}}");
    helper("store", "echo 'credentials not found in native keychain'\nexit 1");
    RegistryCredentials found = resolve("ghcr.io").orElseThrow();
    assertThat(found.source()).contains("auths['ghcr.io']");
    assertThat(found.username()).isEqualTo("a");
  }

  @Test
  void aMissingHelperIsAWarningNamingIt() throws Exception {
    config("{\"credsStore\":\"desktop\",\"auths\":{\"ghcr.io\":{\"auth\":\"YTpi\"}}}");
    assertThat(resolve("ghcr.io").orElseThrow().source()).contains("auths");
    assertThat(warnings)
        .singleElement()
        .asString()
        .contains("docker-credential-desktop")
        .contains("not on PATH");
  }

  @Test
  void anIdentityTokenIsRecognised() throws Exception {
    config("{\"credHelpers\":{\"ghcr.io\":\"tok\"}}");
    helper(
        "tok",
        "echo '{\"ServerURL\":\"ghcr.io\",\"Username\":\"<token>\",\"Secret\":\"refresh-123\"}'");
    RegistryCredentials found = resolve("ghcr.io").orElseThrow();
    assertThat(found.identityToken()).isTrue();
    assertThat(found.secret()).isEqualTo("refresh-123");
  }

  @Test
  void malformedOutputIsAnErrorThatDoesNotEchoIt() throws Exception {
    config("{\"credHelpers\":{\"ghcr.io\":\"broken\"}}");
    helper("broken", "echo 'Secret=TopSecretValue'");
    assertThatThrownBy(() -> resolve("ghcr.io"))
        .isInstanceOf(ShipException.class)
        .hasMessageContaining("credential helper 'broken'")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("TopSecretValue"));
  }

  @Test
  void aFailingHelperDoesNotEchoItsOutput() throws Exception {
    config("{\"credHelpers\":{\"ghcr.io\":\"failing\"}}");
    helper("failing", "echo 'leaked TopSecretValue'\nexit 2");
    assertThatThrownBy(() -> resolve("ghcr.io"))
        .hasMessageContaining("failed (exit 2)")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("TopSecretValue"));
  }

  @Test
  void aHangingHelperIsKilledAfterTheTimeout() throws Exception {
    config("{\"credHelpers\":{\"ghcr.io\":\"hang\"}}");
    helper("hang", "sleep 30");
    long start = System.nanoTime();
    assertThatThrownBy(() -> resolve("ghcr.io")).hasMessageContaining("did not answer within 2 s");
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
  }
}

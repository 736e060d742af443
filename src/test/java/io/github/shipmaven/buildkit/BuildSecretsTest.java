package io.github.shipmaven.buildkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.shipmaven.core.Secrets;
import io.github.shipmaven.core.ShipException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildSecretsTest {
  @TempDir Path dir;

  private static BuildSecrets.Source env(String id, String variable) {
    return new BuildSecrets.Source(id, variable, null);
  }

  private static BuildSecrets.Source file(String id, Path file) {
    return new BuildSecrets.Source(id, null, file);
  }

  private static String problem(List<BuildSecrets.Source> declared, Map<String, String> env) {
    try {
      BuildSecrets.check(declared, env);
    } catch (ShipException e) {
      assertThat(e.kind()).isEqualTo(ShipException.Kind.CONFIG);
      return e.getMessage();
    }
    throw new AssertionError("no problem found in " + declared);
  }

  @Test
  void eachBadDeclarationIsOneLineNamingTheIdTheSourceAndTheFix() throws Exception {
    Path missing = dir.resolve("settings.xml");
    assertThat(problem(List.of(env("npm", "NPM_TOKEN")), Map.of()))
        .isEqualTo(
            "<secret> 'npm' comes from env NPM_TOKEN, which is not set (or empty): set it (a CI"
                + " secret), or point the <secret> at another source.");
    assertThat(problem(List.of(env("npm", "NPM_TOKEN")), Map.of("NPM_TOKEN", "")))
        .startsWith("<secret> 'npm' comes from env NPM_TOKEN, which is not set (or empty)");
    assertThat(problem(List.of(file("m2", missing)), Map.of()))
        .isEqualTo(
            "<secret> 'm2' comes from file "
                + missing
                + ", which does not exist: create it, or point <file> at the secret's file.");
    assertThat(problem(List.of(file("m2", dir)), Map.of()))
        .isEqualTo(
            "<secret> 'm2' comes from file "
                + dir
                + ", which is not a file: point <file> at a file.");
    assertThat(problem(List.of(new BuildSecrets.Source("x", "A", missing)), Map.of("A", "v")))
        .isEqualTo("<secret> 'x' has both <env> and <file>: keep the one the value comes from.");
    assertThat(problem(List.of(new BuildSecrets.Source("x", " ", null)), Map.of()))
        .isEqualTo(
            "<secret> 'x' has neither <env> nor <file>: add <env>VARIABLE</env> or"
                + " <file>path</file> for its value.");
    assertThat(problem(List.of(new BuildSecrets.Source(null, "A", null)), Map.of("A", "v")))
        .isEqualTo(
            "<secrets> has a <secret> without an <id> (<env> A): add the id that RUN"
                + " --mount=type=secret,id=… names.");
    assertThat(problem(List.of(env("x", "A"), env("x", "B")), Map.of("A", "1", "B", "2")))
        .isEqualTo("<secrets> declares <secret> 'x' twice: keep one <secret> per id.");
  }

  @Test
  void aValueLargerThanBuildKitTakesIsRefusedBeforeTheBuild() throws Exception {
    Path big = dir.resolve("big");
    Files.write(big, new byte[BuildSecrets.MAX_VALUE + 1]);
    assertThat(problem(List.of(file("big", big)), Map.of()))
        .isEqualTo(
            "<secret> 'big' from file "
                + big
                + " is 4194289 bytes, more than the 4194288 BuildKit takes in one message (4.0"
                + " MB): put the large file in the build context, or mount a smaller secret (a"
                + " token) that fetches it.");
    Files.write(big, new byte[BuildSecrets.MAX_VALUE]);
    assertThat(BuildSecrets.check(List.of(file("big", big)), Map.of()).sources()).hasSize(1);
  }

  @Test
  void valuesAreReadWhenAskedAsBytesAndMaskedWholeAndLineByLine() throws Exception {
    Path settings = dir.resolve("settings.xml");
    Files.writeString(settings, "first-version");
    BuildSecrets secrets =
        BuildSecrets.check(
            List.of(env("token", "TOKEN"), file("m2", settings)),
            Map.of("TOKEN", "canary-token-4711"));
    // read when asked: a change after the check is what BuildKit gets
    Files.writeString(settings, "<password>canary-pass-0815</password>\n  <id>central</id>\n");
    Secrets masks = new Secrets();
    assertThat(secrets.read("m2", masks).orElseThrow())
        .isEqualTo(
            "<password>canary-pass-0815</password>\n  <id>central</id>\n"
                .getBytes(StandardCharsets.UTF_8));
    assertThat(masks.redact("step output: <password>canary-pass-0815</password>"))
        .isEqualTo("step output: ****");
    assertThat(masks.redact("line <id>central</id>")).isEqualTo("line ****");
    assertThat(secrets.read("token", masks).orElseThrow())
        .isEqualTo("canary-token-4711".getBytes(StandardCharsets.UTF_8));
    assertThat(masks.redact("echo canary-token-4711")).isEqualTo("echo ****");
    assertThat(secrets.read("undeclared", masks)).isEmpty();
  }

  @Test
  void aFileGoneSinceTheCheckIsNamedNotThrownRaw() throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "canary-value-1234");
    BuildSecrets secrets = BuildSecrets.check(List.of(file("t", token)), Map.of());
    Files.delete(token);
    assertThatThrownBy(() -> secrets.read("t", new Secrets()))
        .isInstanceOf(BuildSecrets.ValueException.class)
        .hasMessage("<secret> 't' comes from file " + token + ", which is gone");
  }

  @Test
  void describesTheSourceNeverTheValue() {
    BuildSecrets secrets =
        BuildSecrets.check(List.of(env("npm", "NPM_TOKEN")), Map.of("NPM_TOKEN", "canary-xyz-99"));
    assertThat(secrets.sources())
        .extracting(BuildSecrets.Source::describe)
        .containsExactly("env NPM_TOKEN");
    assertThat(secrets.toString()).doesNotContain("canary-xyz-99");
  }
}

package io.github.shipmaven.buildkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.shipmaven.core.RecordingLog;
import io.github.shipmaven.core.Secrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsServiceTest {
  private static final String CANARY = "canary-secret-5f1d2e";

  @TempDir Path dir;
  private final RecordingLog log = new RecordingLog();
  private final Secrets masks = new Secrets();

  /** GetSecretRequest {ID = 1; annotations = 2 (map entries)} as BuildKit sends it. */
  private static byte[] request(String id) {
    return new ProtoWire.Writer()
        .string(1, id)
        .message(2, new ProtoWire.Writer().string(1, "k").string(2, "v"))
        .toByteArray();
  }

  private SecretsService service() throws Exception {
    Path file = Files.writeString(dir.resolve("npmrc"), "//registry/:_authToken=" + CANARY + "\n");
    BuildSecrets secrets =
        BuildSecrets.check(
            List.of(
                new BuildSecrets.Source("token", "TOKEN", null),
                new BuildSecrets.Source("npmrc", null, file)),
            Map.of("TOKEN", CANARY));
    return new SecretsService(secrets, masks, log);
  }

  @Test
  void aDeclaredIdIsAnsweredWithItsValueInField1AndNeverLogged() throws Exception {
    SecretsService service = service();
    FakeCall call = FakeCall.unary(request("npmrc"));
    service.serve(call);
    byte[] answer = call.next();
    assertThat(Messages.bytesField(answer, 1))
        .isEqualTo(("//registry/:_authToken=" + CANARY + "\n").getBytes(StandardCharsets.UTF_8));
    // exactly one field: data = 1, length-delimited
    assertThat(answer[0]).isEqualTo((byte) 0x0a);
    FakeCall env = FakeCall.unary(request("token"));
    service.serve(env);
    assertThat(new String(Messages.bytesField(env.next(), 1), StandardCharsets.UTF_8))
        .isEqualTo(CANARY);
    assertThat(String.join("\n", log.debug)).contains("secret 'npmrc'").doesNotContain(CANARY);
    assertThat(log.lines).isEmpty();
    assertThat(masks.redact("printed " + CANARY)).isEqualTo("printed ****");
  }

  @Test
  void undeclaredIdsAndDocker28sOwnIdsAreNotFound() throws Exception {
    SecretsService service = service();
    for (String id :
        List.of(
            "npm",
            "HTTP_AUTH_HEADER_build-context-abc123",
            "HTTP_AUTH_TOKEN_build-context-abc123")) {
      FakeCall call = FakeCall.unary(request(id));
      assertThatThrownBy(() -> service.serve(call))
          .isInstanceOfSatisfying(
              GrpcException.class, e -> assertThat(e.code()).isEqualTo(GrpcException.NOT_FOUND));
      assertThat(call.noMoreAnswers()).isTrue();
    }
  }

  @Test
  void aValueThatGrewPastTheLimitSinceTheCheckIsAClearLineNotBuildKitsLimitError()
      throws Exception {
    Path big = Files.writeString(dir.resolve("big"), "small");
    SecretsService service =
        new SecretsService(
            BuildSecrets.check(List.of(new BuildSecrets.Source("big", null, big)), Map.of()),
            masks,
            log);
    Files.write(big, new byte[BuildSecrets.MAX_VALUE + 100]);
    FakeCall call = FakeCall.unary(request("big"));
    assertThatThrownBy(() -> service.serve(call))
        .isInstanceOf(GrpcException.class)
        .hasMessageStartingWith("<secret> 'big' from file " + big + " is 4194289 bytes");
    assertThat(log.warnings)
        .singleElement()
        .asString()
        .startsWith("<secret> 'big' from file " + big + " is 4194289 bytes")
        .endsWith(": the build cannot have it.");
  }

  @Test
  void aRequiredSecretThePomLacksIsOneLineNamingTheIdAndSecrets() {
    String where =
        "docker build failed in step [2/2] RUN --mount=type=secret,id=npm,required cat x";
    String expected =
        where
            + ": the Dockerfile needs secret 'npm' (BuildKit: %s), which <secrets> does not"
            + " declare: add <secret><id>npm</id><env>VARIABLE</env></secret> (or"
            + " <file>path</file>) to <secrets>, or mount it with required=false.";
    // Docker 20.10's words, then 28.5's
    assertThat(SecretsService.missingSecret(where, "secret npm not found: not found"))
        .isEqualTo(expected.formatted("secret npm not found: not found"));
    assertThat(SecretsService.missingSecret(where, "failed to solve: secret npm: not found"))
        .isEqualTo(expected.formatted("secret npm: not found"));
    assertThat(SecretsService.missingSecret(where, "exit code: 1")).isNull();
  }
}

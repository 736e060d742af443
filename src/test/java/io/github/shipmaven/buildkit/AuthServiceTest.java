package io.github.shipmaven.buildkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.shipmaven.core.RecordingLog;
import io.github.shipmaven.core.Secrets;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.registry.RegistryCredentials;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthServiceTest {
  private final RecordingLog log = new RecordingLog();
  private final Secrets masks = new Secrets();
  private final List<String> asked = new ArrayList<>();

  private byte[] answer(AuthService service, String host) throws Exception {
    FakeCall call = FakeCall.unary(new ProtoWire.Writer().string(1, host).toByteArray());
    service.credentials(call);
    return call.next();
  }

  private AuthService service(Optional<RegistryCredentials> login) {
    return new AuthService(
        registry -> {
          asked.add(registry);
          return login;
        },
        masks,
        log);
  }

  @Test
  void aLoginIsUsernameField1AndSecretField2AndIsMasked() throws Exception {
    AuthService service =
        service(
            Optional.of(
                new RegistryCredentials(
                    "ci", "canary-pw-31337", false, "settings.xml server 'x'")));
    byte[] answer = answer(service, "127.0.0.1:5000");
    assertThat(Messages.stringField(answer, 1)).isEqualTo("ci");
    assertThat(Messages.stringField(answer, 2)).isEqualTo("canary-pw-31337");
    assertThat(asked).containsExactly("127.0.0.1:5000");
    assertThat(log.debug)
        .containsExactly("BuildKit asked for the login of 127.0.0.1:5000: settings.xml server 'x'");
    assertThat(masks.redact("canary-pw-31337")).isEqualTo("****");
  }

  @Test
  void anIdentityTokenGoesAsTheSecretWithoutAUserName() throws Exception {
    byte[] answer =
        answer(
            service(
                Optional.of(
                    new RegistryCredentials(
                        "<token>", "canary-refresh-token", true, "credsStore 'pass'"))),
            "registry-1.docker.io");
    assertThat(Messages.stringField(answer, 1)).isEmpty();
    assertThat(Messages.stringField(answer, 2)).isEqualTo("canary-refresh-token");
    assertThat(asked).containsExactly("docker.io"); // Docker Hub as the plugin's logins key it
  }

  @Test
  void noLoginIsAnEmptyAnswerForAnAnonymousPull() throws Exception {
    assertThat(answer(service(Optional.empty()), "ghcr.io")).isEmpty();
    assertThat(log.debug)
        .containsExactly("BuildKit asked for the login of ghcr.io: none found, anonymous");
  }

  @Test
  void aLookupThatFailsNamesItsSourceInTheCallsError() {
    AuthService service =
        new AuthService(
            registry -> {
              throw ShipException.config("credential helper 'pass' answered malformed output");
            },
            masks,
            log);
    FakeCall call = FakeCall.unary(new ProtoWire.Writer().string(1, "ghcr.io").toByteArray());
    assertThatThrownBy(() -> service.credentials(call))
        .isInstanceOfSatisfying(
            GrpcException.class, e -> assertThat(e.code()).isEqualTo(GrpcException.UNKNOWN))
        .hasMessage("credential helper 'pass' answered malformed output");
    assertThat(log.warnings)
        .containsExactly(
            "BuildKit asked for the login of ghcr.io: credential helper 'pass' answered malformed"
                + " output");
  }

  @Test
  void hostsAreRegistriesAsTheLoginsNameThem() {
    assertThat(AuthService.registryOf("registry-1.docker.io")).isEqualTo("docker.io");
    assertThat(AuthService.registryOf("index.docker.io")).isEqualTo("docker.io");
    assertThat(AuthService.registryOf("127.0.0.1:5000")).isEqualTo("127.0.0.1:5000");
    assertThat(AuthService.registryOf("https://ghcr.io/v2/")).isEqualTo("ghcr.io");
  }
}

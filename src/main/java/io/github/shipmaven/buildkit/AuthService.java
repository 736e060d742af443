package io.github.shipmaven.buildkit;

import io.github.shipmaven.core.Secrets;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.image.ImageReference;
import io.github.shipmaven.registry.RegistryCredentials;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * {@code moby.filesync.v1.Auth/Credentials} ({@code session/auth/auth.proto}): {@code
 * CredentialsRequest {string Host = 1}} (e.g. {@code 127.0.0.1:5000}, no scheme) answered with
 * {@code CredentialsResponse {string Username = 1; string Secret = 2}}, empty for anonymous. The
 * login is looked up as {@code ship:push} looks it up, so BuildKit pulls base images behind a login
 * itself. An identity token goes as the secret with no user name, as the docker CLI sends it.
 *
 * <p>FetchToken, GetTokenAuthority and VerifyTokenAuthority are not served: the session answers
 * them UNIMPLEMENTED, and BuildKit then does the token exchange itself with these credentials.
 */
final class AuthService {
  static final String CREDENTIALS = "/moby.filesync.v1.Auth/Credentials";

  /** Docker Hub's hosts, as BuildKit names them; the plugin's logins key it as docker.io. */
  private static final Set<String> DOCKER_HUB_HOSTS =
      Set.of("registry-1.docker.io", "index.docker.io", "docker.io");

  /** The login for a registry, as {@code ship:push} would find it; empty if there is none. */
  @FunctionalInterface
  interface Logins {
    Optional<RegistryCredentials> find(String registry);
  }

  private final Logins logins;
  private final Secrets masks;
  private final ShipLog log;

  AuthService(Logins logins, Secrets masks, ShipLog log) {
    this.logins = logins;
    this.masks = masks;
    this.log = log;
  }

  GrpcMethod method() {
    return new GrpcMethod(CREDENTIALS, call -> credentials(Messages.of(call)));
  }

  void credentials(Messages call) throws IOException, GrpcException {
    String host = Messages.stringField(Messages.request(call), 1);
    String registry = registryOf(host);
    Optional<RegistryCredentials> login;
    try {
      login = logins.find(registry);
    } catch (ShipException e) {
      log.warn("BuildKit asked for the login of " + registry + ": " + e.getMessage());
      throw new GrpcException(GrpcException.UNKNOWN, e.getMessage());
    }
    ProtoWire.Writer answer = new ProtoWire.Writer();
    if (login.isPresent()) {
      RegistryCredentials found = login.get();
      masks.addLogin(found.username(), found.secret());
      if (found.identityToken()) {
        answer.string(2, found.secret());
      } else {
        answer.string(1, found.username() == null ? "" : found.username());
        answer.string(2, found.secret());
      }
    }
    log.debug(
        "BuildKit asked for the login of "
            + host
            + ": "
            + login.map(RegistryCredentials::source).orElse("none found, anonymous"));
    call.write(answer.toByteArray());
  }

  /** The registry as the plugin's logins name it: Docker Hub is {@code docker.io}. */
  static String registryOf(String host) {
    String bare = host.replaceFirst("^[a-z]+://", "").replaceFirst("/.*$", "");
    return DOCKER_HUB_HOSTS.contains(bare) ? ImageReference.DOCKER_HUB : bare;
  }
}

package io.github.shipmaven.docker;

import com.github.dockerjava.api.model.AuthConfig;
import io.github.shipmaven.registry.RegistryCredentials;

/** docker-java's auth config for a login. Never log one: its toString prints the password. */
final class DockerAuth {
  private DockerAuth() {}

  static AuthConfig of(String registry, RegistryCredentials credentials) {
    AuthConfig auth = new AuthConfig().withRegistryAddress(credentials.serverAddress(registry));
    if (credentials.identityToken()) {
      return auth.withIdentityToken(credentials.secret());
    }
    return auth.withUsername(credentials.username()).withPassword(credentials.secret());
  }
}

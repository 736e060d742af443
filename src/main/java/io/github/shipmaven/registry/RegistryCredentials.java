package io.github.shipmaven.registry;

import io.github.shipmaven.image.ImageReference;
import org.jspecify.annotations.Nullable;

/**
 * A login for one registry and where it came from. {@link #toString()} never shows the secret.
 *
 * @param username the user name; ignored for identity tokens
 * @param secret the password or identity token
 * @param identityToken whether {@code secret} is an identity (refresh) token rather than a password
 * @param source where the login was found, e.g. {@code settings.xml server 'docker-hub'}
 */
public record RegistryCredentials(
    @Nullable String username, String secret, boolean identityToken, String source) {

  /** The address the daemon expects in the auth config: Docker Hub's is its v1 index URL. */
  public String serverAddress(String registry) {
    return ImageReference.DOCKER_HUB.equals(registry) ? DockerConfig.HUB_KEY : registry;
  }

  @Override
  public String toString() {
    return "RegistryCredentials[username=" + username + ", source=" + source + "]";
  }
}

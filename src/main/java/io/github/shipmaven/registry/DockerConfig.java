package io.github.shipmaven.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.image.ImageReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The {@code auths} of docker's {@code config.json} ({@code DOCKER_CONFIG} or {@code ~/.docker}),
 * matched to a registry the way the docker CLI matches them.
 */
public final class DockerConfig {
  /** The key under which the docker CLI stores Docker Hub logins. */
  static final String HUB_KEY = "https://index.docker.io/v1/";

  private final Path file;
  private final JsonNode root;

  private DockerConfig(Path file, JsonNode root) {
    this.file = file;
    this.root = root;
  }

  /** docker's configuration directory: {@code DOCKER_CONFIG}, else {@code ~/.docker}. */
  public static Path directory(Map<String, String> env, Path home) {
    String dir = env.getOrDefault("DOCKER_CONFIG", "");
    return dir.isBlank() ? home.resolve(".docker") : Path.of(dir);
  }

  public static DockerConfig load(Map<String, String> env, Path home) {
    Path file = directory(env, home).resolve("config.json");
    if (!Files.isRegularFile(file)) {
      return new DockerConfig(file, null);
    }
    try {
      return new DockerConfig(file, new ObjectMapper().readTree(file.toFile()));
    } catch (IOException e) {
      // Jackson's message may quote the file's content, secrets included: name the file only.
      throw ShipException.config(
          "Docker config " + file + " is not valid JSON: fix it or point DOCKER_CONFIG elsewhere.");
    }
  }

  /** The docker context config.json selects, or null. */
  public @Nullable String currentContext() {
    JsonNode context = root == null ? null : root.get("currentContext");
    return context != null && context.isTextual() && !context.asText().isBlank()
        ? context.asText()
        : null;
  }

  Path file() {
    return file;
  }

  /** The helper named in {@code credHelpers} for this registry, or null. */
  @Nullable String credHelper(String registry) {
    JsonNode helpers = root == null ? null : root.get("credHelpers");
    if (helpers == null || !helpers.isObject()) {
      return null;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = helpers.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (normalise(entry.getKey()).equals(normalise(registry)) && entry.getValue().isTextual()) {
        return entry.getValue().asText();
      }
    }
    return null;
  }

  /** The default helper ({@code credsStore}), or null. */
  @Nullable String credsStore() {
    JsonNode store = root == null ? null : root.get("credsStore");
    return store != null && store.isTextual() && !store.asText().isBlank() ? store.asText() : null;
  }

  /** The key the docker CLI stores and asks helpers under: Hub's v1 URL, else the host. */
  static String serverUrl(String registry) {
    return normalise(registry).equals(ImageReference.DOCKER_HUB) ? HUB_KEY : registry;
  }

  Optional<RegistryCredentials> auths(String registry) {
    JsonNode auths = root == null ? null : root.get("auths");
    if (auths == null || !auths.isObject()) {
      return Optional.empty();
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (normalise(entry.getKey()).equals(normalise(registry))) {
        return fromEntry(entry.getKey(), entry.getValue());
      }
    }
    return Optional.empty();
  }

  private Optional<RegistryCredentials> fromEntry(String key, JsonNode entry) {
    String source = "docker config " + file + " auths['" + key + "']";
    String token = text(entry, "identitytoken");
    if (!token.isEmpty()) {
      return Optional.of(new RegistryCredentials(null, token, true, source));
    }
    String auth = text(entry, "auth");
    if (!auth.isEmpty()) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw ShipException.config(
            source + ": the auth field is not base64; run docker login again.");
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw ShipException.config(
            source + ": the auth field is not user:password; run docker login again.");
      }
      return Optional.of(
          halves(decoded.substring(0, colon), decoded.substring(colon + 1), source, "auth field"));
    }
    String username = text(entry, "username");
    String password = text(entry, "password");
    if (!username.isEmpty() || !password.isEmpty()) {
      return Optional.of(halves(username, password, source, "username/password fields"));
    }
    return Optional.empty();
  }

  /** Both halves of a login, or the one line saying which is missing: never half a login. */
  private static RegistryCredentials halves(
      String username, String password, String source, String where) {
    if (username.isEmpty() || password.isEmpty()) {
      throw ShipException.config(
          source
              + ": its "
              + where
              + (username.isEmpty() ? " hold no user name" : " hold no password")
              + "; run docker login again for that registry.");
    }
    return new RegistryCredentials(username, password, false, source);
  }

  /** {@code https://index.docker.io/v1/}, {@code index.docker.io} and {@code docker.io} are one. */
  static String normalise(String registryOrKey) {
    String host = registryOrKey.replaceFirst("^[a-zA-Z]+://", "");
    int slash = host.indexOf('/');
    if (slash >= 0) {
      host = host.substring(0, slash);
    }
    if (host.equals("index.docker.io") || host.equals("registry-1.docker.io")) {
      return ImageReference.DOCKER_HUB;
    }
    return host;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? "" : value.asText();
  }
}

package io.github.shipmaven.registry;

import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Finds the login for a registry; first source found wins: a settings.xml {@code <server>}, then
 * the {@code SHIP_REGISTRY_USERNAME}/{@code SHIP_REGISTRY_PASSWORD} variables, then docker's
 * config.json. Each found login names its source; the secret is never logged.
 */
public final class CredentialResolver {
  public static final String USERNAME_VARIABLE = "SHIP_REGISTRY_USERNAME";
  public static final String PASSWORD_VARIABLE = "SHIP_REGISTRY_PASSWORD";

  /**
   * The build tool's servers (Maven's settings.xml), decrypted; the core knows nothing of Maven.
   */
  @FunctionalInterface
  public interface Servers {
    /** The server with this id as username and password, or empty if there is none. */
    Optional<RegistryCredentials> find(String id);
  }

  private final Servers servers;
  private final Map<String, String> env;
  private final Path home;
  private final ShipLog log;

  private final CredentialHelper helpers;

  public CredentialResolver(Servers servers, Map<String, String> env, Path home, ShipLog log) {
    this(servers, env, home, log, CredentialHelper.TIMEOUT);
  }

  CredentialResolver(
      Servers servers, Map<String, String> env, Path home, ShipLog log, Duration helperTimeout) {
    this.servers = servers;
    this.env = env;
    this.home = home;
    this.log = log;
    this.helpers = new CredentialHelper(env, log, helperTimeout);
  }

  /**
   * The login for {@code registry}.
   *
   * @param serverId the settings.xml server id the user named, or null for the registry host
   */
  public Optional<RegistryCredentials> resolve(String registry, @Nullable String serverId) {
    return resolve(registry, serverId, true);
  }

  /**
   * The login for pulling a base image from {@code registry} during a build: settings.xml and
   * docker config only, since the {@code SHIP_REGISTRY_*} variables are the push registry's login.
   */
  public Optional<RegistryCredentials> resolveForPull(String registry) {
    return resolve(registry, null, false);
  }

  private Optional<RegistryCredentials> resolve(String registry, String serverId, boolean useEnv) {
    Optional<RegistryCredentials> found = find(registry, serverId, useEnv);
    log.debug(
        "Registry "
            + registry
            + ": credentials from "
            + found
                .map(RegistryCredentials::source)
                .orElseGet(
                    () -> "nowhere (" + String.join(", ", sources(registry, serverId)) + ")"));
    return found;
  }

  /** Where {@link #resolve} looks, in order, for messages. */
  public List<String> sources(String registry, String serverId) {
    List<String> places = new ArrayList<>();
    serverIds(registry, serverId).forEach(id -> places.add("settings.xml server '" + id + "'"));
    places.add("env " + USERNAME_VARIABLE + "/" + PASSWORD_VARIABLE);
    DockerConfig config = DockerConfig.load(env, home);
    if (config.credHelper(registry) != null) {
      places.add("credential helper '" + config.credHelper(registry) + "'");
    }
    if (config.credsStore() != null) {
      places.add("credsStore '" + config.credsStore() + "'");
    }
    places.add("docker config " + config.file() + " auths");
    return places;
  }

  private Optional<RegistryCredentials> find(String registry, String serverId, boolean useEnv) {
    for (String id : serverIds(registry, serverId)) {
      Optional<RegistryCredentials> server = servers.find(id);
      if (server.isPresent()) {
        return Optional.of(complete(server.get(), "settings.xml server '" + id + "'"));
      }
    }
    if (serverId != null && !serverId.isBlank()) {
      throw ShipException.config(
          "<serverId> (ship.serverId) is '"
              + serverId
              + "' but settings.xml has no <server> with that id: add it or remove <serverId>.");
    }
    String username = useEnv ? env.getOrDefault(USERNAME_VARIABLE, "") : "";
    String password = useEnv ? env.getOrDefault(PASSWORD_VARIABLE, "") : "";
    if (!username.isEmpty() || !password.isEmpty()) {
      if (username.isEmpty() || password.isEmpty()) {
        throw ShipException.config(
            (username.isEmpty() ? USERNAME_VARIABLE : PASSWORD_VARIABLE)
                + " is not set but "
                + (username.isEmpty() ? PASSWORD_VARIABLE : USERNAME_VARIABLE)
                + " is: set both, or neither.");
      }
      return Optional.of(
          new RegistryCredentials(
              username, password, false, "env " + USERNAME_VARIABLE + "/" + PASSWORD_VARIABLE));
    }
    DockerConfig config = DockerConfig.load(env, home);
    String serverUrl = DockerConfig.serverUrl(registry);
    String helper = config.credHelper(registry);
    if (helper != null) {
      Optional<RegistryCredentials> found =
          helpers.get(helper, serverUrl, "credential helper '" + helper + "'");
      if (found.isPresent()) {
        return found;
      }
    }
    String store = config.credsStore();
    if (store != null) {
      Optional<RegistryCredentials> found =
          helpers.get(store, serverUrl, "credsStore '" + store + "'");
      if (found.isPresent()) {
        return found;
      }
    }
    return config.auths(registry);
  }

  /**
   * {@code login} if it has both halves; else the one line naming where it came from and what is
   * missing: a registry refuses half a login only at the push, after the build.
   */
  static RegistryCredentials complete(RegistryCredentials login, String where) {
    boolean user = login.identityToken() || !isBlank(login.username());
    boolean secret = !isBlank(login.secret());
    if (user && secret) {
      return login;
    }
    String missing =
        !user && !secret
            ? "neither <username> nor <password>"
            : user ? "a <username> but no <password>" : "a <password> but no <username>";
    throw ShipException.config(
        where
            + " has "
            + missing
            + ": a registry login needs both. Add "
            + (user ? "the password (or access token)" : secret ? "the user name" : "both")
            + " to that <server> in settings.xml, or remove the server to take the login from the"
            + " next source.");
  }

  private static boolean isBlank(@Nullable String value) {
    return value == null || value.isBlank();
  }

  private static List<String> serverIds(String registry, String serverId) {
    if (serverId != null && !serverId.isBlank()) {
      return List.of(serverId.trim());
    }
    String withoutPort = registry.replaceFirst(":[0-9]+$", "");
    return withoutPort.equals(registry) ? List.of(registry) : List.of(registry, withoutPort);
  }
}

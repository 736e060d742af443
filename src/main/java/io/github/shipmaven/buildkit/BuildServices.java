package io.github.shipmaven.buildkit;

import io.github.shipmaven.core.Secrets;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.registry.RegistryCredentials;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What a BuildKit build's session serves beside its context, as the docker CLI serves it: the build
 * secrets of {@code <secrets>}, the SSH agents of {@code <ssh>}, and registry logins. All three on
 * every BuildKit build: an undeclared secret or agent is then answered in words that name the
 * setting, and BuildKit logs in to registries itself, so base images need no pull first.
 */
public final class BuildServices {
  private final BuildSecrets secrets;
  private final SshAgents ssh;
  private final Function<String, Optional<RegistryCredentials>> logins;
  private final Secrets masks;

  /**
   * @param secrets checked before the build; values are read when BuildKit asks
   * @param ssh checked before the build
   * @param logins the login for a registry ({@code docker.io} for Docker Hub), as ship:push finds
   *     it; empty for anonymous
   * @param masks where every value served is registered before BuildKit has it, so no log shows it
   */
  public BuildServices(
      BuildSecrets secrets,
      SshAgents ssh,
      Function<String, Optional<RegistryCredentials>> logins,
      Secrets masks) {
    this.secrets = secrets;
    this.ssh = ssh;
    this.logins = logins;
    this.masks = masks;
  }

  public BuildSecrets secrets() {
    return secrets;
  }

  public SshAgents ssh() {
    return ssh;
  }

  /** The session's methods for one build. */
  public List<GrpcMethod> methods(ShipLog log) {
    List<GrpcMethod> methods = new ArrayList<>();
    methods.add(new SecretsService(secrets, masks, log).method());
    methods.addAll(new SshService(ssh, log).methods());
    methods.add(new AuthService(logins::apply, masks, log).method());
    return methods;
  }

  /** Whether {@code methods} answer BuildKit's registry logins (then nothing is pulled first). */
  static boolean logsIn(List<GrpcMethod> methods) {
    return methods.stream().anyMatch(m -> m.path().equals(AuthService.CREDENTIALS));
  }

  /** Names the sources, never a value. */
  @Override
  public String toString() {
    return "BuildServices[secrets="
        + secrets.sources().stream().map(BuildSecrets.Source::id).toList()
        + ", ssh="
        + ssh.agents().stream().map(SshAgents.Agent::id).toList()
        + "]";
  }

  /**
   * The one line for a build that failed in a way the session explains (a required secret the POM
   * does not declare), or null.
   *
   * @param where e.g. {@code docker build failed in step [2/3] RUN …}
   * @param error BuildKit's error
   */
  static @Nullable String explain(String where, String error) {
    return SecretsService.missingSecret(where, error);
  }
}

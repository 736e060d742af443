package io.github.shipmaven.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.AuthConfigurations;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.core.SSLConfig;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.registry.DockerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Finds a Docker daemon the way the docker CLI does, in order: {@code <dockerHost>}; {@code
 * DOCKER_HOST} (TLS from {@code DOCKER_TLS_VERIFY}/{@code DOCKER_CERT_PATH}); the docker context
 * named by {@code DOCKER_CONTEXT} or config.json's {@code currentContext}; then the usual local
 * sockets, first that answers wins. When none answers, one error names every place tried.
 */
public final class DockerConnector {
  /** The oldest Engine API whose build and push this plugin uses (Docker 1.12). */
  static final String MINIMUM_API = "1.24";

  /** Docker's answer to a request for an API version it no longer serves. */
  private static final Pattern VERSION_REFUSED =
      Pattern.compile(
          "client version (\\S+) is too old\\. Minimum supported API version is ([0-9.]+)");

  private record Candidate(String label, URI host, boolean tls, String certPath) {}

  private final Map<String, String> env;
  private final Path home;
  private final ShipLog log;

  public DockerConnector(Map<String, String> env, Path home, ShipLog log) {
    this.env = env;
    this.home = home;
    this.log = log;
  }

  /** Checks a {@code <dockerHost>} address before any work; blank means "find the daemon". */
  public static void checkHost(String hostParameter) {
    if (hostParameter != null && !hostParameter.isBlank()) {
      DockerHost.parse(hostParameter, "<dockerHost> (ship.docker.host)");
    }
  }

  /** Connects, pings and checks the API version; fails naming every place tried. */
  public DockerDaemon connect(String hostParameter) {
    List<String> failures = new ArrayList<>();
    for (Candidate candidate : candidates(hostParameter)) {
      String where = DockerHost.shown(candidate.host()) + " (" + candidate.label() + ")";
      if (candidate.host().getScheme().equals("unix")
          && !Files.exists(Path.of(candidate.host().getPath()))) {
        failures.add(where + ": no such socket");
        continue;
      }
      boolean ssh = candidate.host().getScheme().equals("ssh");
      SshCommand command = ssh ? SshCommand.of(candidate.host(), env, setting(candidate)) : null;
      DockerSocketClient transport =
          command != null
              ? new DockerSocketClient(command)
              : new DockerSocketClient(candidate.host(), tls(candidate));
      Map<String, List<String>> ping;
      try {
        ping = transport.ping();
      } catch (RuntimeException e) {
        if (command != null) {
          throw sshFailed(where, command, e);
        }
        failures.add(where + ": " + rootMessage(e));
        continue;
      }
      URI host = candidate.host();
      DockerDaemon daemon =
          new DockerDaemon(
              () -> DockerClientImpl.getInstance(new ClientConfig(host), transport),
              transport,
              where,
              ping);
      String api = daemon.apiVersion();
      if (api != null && compareVersions(api, MINIMUM_API) < 0) {
        daemon.close();
        throw ShipException.config(
            "The Docker daemon at "
                + where
                + " speaks Engine API "
                + api
                + "; ship-maven-plugin needs "
                + MINIMUM_API
                + " or newer (Docker 1.12+): upgrade the daemon.");
      }
      log.debug(
          "Docker daemon: "
              + where
              + ", Engine API "
              + api
              + (command == null ? "" : ", through `" + command.shown() + "` a connection"));
      return daemon;
    }
    throw ShipException.config(
        "No Docker daemon answered; tried "
            + String.join("; ", failures)
            + ". Start Docker, or point DOCKER_HOST or <dockerHost> (ship.docker.host) at it.");
  }

  /** How a candidate's setting is named in messages. */
  private static String setting(Candidate candidate) {
    return candidate.label().equals("<dockerHost>")
        ? "<dockerHost> (ship.docker.host)"
        : candidate.label();
  }

  /**
   * The one line a daemon that ssh could not reach gets, before anything is built: ssh's own words
   * (an unknown host key, a refused login, a remote without docker) and what to try by hand.
   */
  private static ShipException sshFailed(String where, SshCommand command, RuntimeException e) {
    Throwable ssh = e;
    while (ssh != null && !(ssh instanceof SshCommand.SshException)) {
      ssh = ssh.getCause();
    }
    return ShipException.config(
        "The Docker daemon at "
            + where
            + " could not be reached through ssh: "
            + (ssh != null ? ssh.getMessage() : rootMessage(e))
            + ". `"
            + command.shown().replace(" system dial-stdio", " version")
            + "` must work from this shell without a prompt (a key in ssh-agent or"
            + " ~/.ssh/config, the host in known_hosts, docker on the remote PATH).");
  }

  private List<Candidate> candidates(String hostParameter) {
    boolean tls =
        !env.getOrDefault("DOCKER_TLS_VERIFY", "").isEmpty()
            && !env.get("DOCKER_TLS_VERIFY").equals("0");
    String certPath = env.getOrDefault("DOCKER_CERT_PATH", home.resolve(".docker").toString());
    if (hostParameter != null && !hostParameter.isBlank()) {
      URI host = DockerHost.parse(hostParameter, "<dockerHost> (ship.docker.host)");
      return List.of(new Candidate("<dockerHost>", host, tls, certPath));
    }
    String dockerHost = env.getOrDefault("DOCKER_HOST", "");
    if (!dockerHost.isBlank()) {
      return List.of(
          new Candidate("DOCKER_HOST", DockerHost.parse(dockerHost, "DOCKER_HOST"), tls, certPath));
    }
    Candidate context = context();
    if (context != null) {
      return List.of(context);
    }
    List<Candidate> sockets = new ArrayList<>();
    sockets.add(socket("default socket", Path.of(DockerHost.DEFAULT_SOCKET)));
    sockets.add(
        socket("Docker Desktop / rootless socket", home.resolve(".docker/run/docker.sock")));
    String runtimeDir = env.getOrDefault("XDG_RUNTIME_DIR", "");
    if (!runtimeDir.isBlank()) {
      sockets.add(socket("XDG_RUNTIME_DIR", Path.of(runtimeDir, "docker.sock")));
      sockets.add(socket("podman socket", Path.of(runtimeDir, "podman", "podman.sock")));
    }
    return sockets;
  }

  private static Candidate socket(String label, Path path) {
    return new Candidate(
        label, DockerHost.parse("unix://" + path.toAbsolutePath(), label), false, null);
  }

  /** The docker context DOCKER_CONTEXT or config.json selects; null for none or "default". */
  private @Nullable Candidate context() {
    String fromEnv = env.getOrDefault("DOCKER_CONTEXT", "");
    String name =
        fromEnv.isBlank() ? DockerConfig.load(env, home).currentContext() : fromEnv.trim();
    String label = fromEnv.isBlank() ? "config.json currentContext" : "DOCKER_CONTEXT";
    if (name == null || name.equals("default")) {
      return null;
    }
    String id = sha256(name);
    Path contexts = DockerConfig.directory(env, home).resolve("contexts");
    Path meta = contexts.resolve("meta").resolve(id).resolve("meta.json");
    JsonNode endpoint;
    try {
      endpoint = new ObjectMapper().readTree(meta.toFile()).path("Endpoints").path("docker");
    } catch (IOException e) {
      throw ShipException.config(
          label
              + " names docker context '"
              + name
              + "', but "
              + meta
              + " cannot be read: run `docker context ls`.");
    }
    String host = endpoint.path("Host").asText("");
    if (host.isBlank()) {
      throw ShipException.config(
          label + " names docker context '" + name + "', which has no docker endpoint.");
    }
    Path tls = contexts.resolve("tls").resolve(id).resolve("docker");
    boolean hasTls = Files.isDirectory(tls) && !endpoint.path("SkipTLSVerify").asBoolean(false);
    String where = label + " '" + name + "'";
    return new Candidate(
        where, DockerHost.parse(host, where), hasTls, hasTls ? tls.toString() : null);
  }

  /**
   * docker-java's view of the daemon: its address; unversioned API paths, so the daemon's own
   * version, never one it refuses; and no stored logins, which docker-java would otherwise read
   * from config.json and send to the daemon with every build (logins are passed per registry). TLS
   * is the transport's alone (see {@link DockerTls}).
   */
  private record ClientConfig(URI host) implements DockerClientConfig {
    @Override
    public URI getDockerHost() {
      return host;
    }

    @Override
    public RemoteApiVersion getApiVersion() {
      return RemoteApiVersion.UNKNOWN_VERSION;
    }

    @Override
    public String getRegistryUsername() {
      return null;
    }

    @Override
    public String getRegistryPassword() {
      return null;
    }

    @Override
    public String getRegistryEmail() {
      return null;
    }

    @Override
    public String getRegistryUrl() {
      return null;
    }

    @Override
    public AuthConfig effectiveAuthConfig(String imageName) {
      return null;
    }

    @Override
    public AuthConfigurations getAuthConfigurations() {
      return new AuthConfigurations();
    }

    @Override
    public SSLConfig getSSLConfig() {
      return null;
    }
  }

  private static SSLContext tls(Candidate candidate) {
    if (!candidate.tls()) {
      return null;
    }
    try {
      return DockerTls.context(Path.of(candidate.certPath()));
    } catch (IOException | GeneralSecurityException e) {
      throw ShipException.config(
          "The TLS certificates in "
              + candidate.certPath()
              + " cannot be used ("
              + (e instanceof NoSuchFileException ? "no " + e.getMessage() : e.getMessage())
              + "): check DOCKER_CERT_PATH.");
    }
  }

  static int compareVersions(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int xi = i < x.length ? Integer.parseInt(x[i].replaceAll("\\D", "0")) : 0;
      int yi = i < y.length ? Integer.parseInt(y[i].replaceAll("\\D", "0")) : 0;
      if (xi != yi) {
        return Integer.compare(xi, yi);
      }
    }
    return 0;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The innermost cause's message, in the words a user can act on. */
  public static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (t instanceof UnknownHostException) {
      return "unknown host " + t.getMessage();
    }
    Matcher tooOld = t.getMessage() == null ? null : VERSION_REFUSED.matcher(t.getMessage());
    if (tooOld != null && tooOld.find()) {
      return "the Docker daemon refused Engine API "
          + tooOld.group(1)
          + " and needs "
          + tooOld.group(2)
          + " or newer (ship-maven-plugin sends unversioned requests: check DOCKER_API_VERSION and"
          + " any proxy in front of the daemon)";
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}

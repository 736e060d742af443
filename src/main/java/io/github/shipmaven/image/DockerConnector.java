package io.github.shipmaven.image;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.RemoteApiVersion;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * Finds a Docker daemon the way the docker CLI does: an explicit host ({@code <dockerHost>}, then
 * {@code DOCKER_HOST}, with TLS from {@code DOCKER_TLS_VERIFY}/{@code DOCKER_CERT_PATH}) is the
 * only place tried; otherwise the usual local sockets, first that answers wins.
 */
public final class DockerConnector {
  private final Map<String, String> env;
  private final Path home;
  private final ShipLog log;

  public DockerConnector(Map<String, String> env, Path home, ShipLog log) {
    this.env = env;
    this.home = home;
    this.log = log;
  }

  /** Connects and pings; fails naming every place tried. */
  public DockerClient connect(String hostParameter) {
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, String> candidate : candidates(hostParameter).entrySet()) {
      String host = candidate.getValue();
      String where = host + " (" + candidate.getKey() + ")";
      if (host.startsWith("unix://")
          && !Files.exists(Path.of(host.substring("unix://".length())))) {
        failures.add(where + ": no such socket");
        continue;
      }
      DockerClient client = null;
      try {
        client = client(host);
        client.pingCmd().exec();
        log.debug("Docker daemon: " + where);
        return client;
      } catch (RuntimeException e) {
        failures.add(where + ": " + rootMessage(e));
        closeQuietly(client);
      }
    }
    throw ShipException.config(
        "No Docker daemon answered; tried "
            + String.join("; ", failures)
            + ". Start Docker, or point DOCKER_HOST or <dockerHost> (ship.docker.host) at it.");
  }

  private Map<String, String> candidates(String hostParameter) {
    Map<String, String> places = new LinkedHashMap<>();
    if (hostParameter != null && !hostParameter.isBlank()) {
      places.put("<dockerHost>", hostParameter.trim());
      return places;
    }
    String dockerHost = env.getOrDefault("DOCKER_HOST", "");
    if (!dockerHost.isBlank()) {
      places.put("DOCKER_HOST", dockerHost.trim());
      return places;
    }
    places.put("default socket", "unix:///var/run/docker.sock");
    places.put("rootless/Desktop socket", "unix://" + home.resolve(".docker/run/docker.sock"));
    String runtimeDir = env.getOrDefault("XDG_RUNTIME_DIR", "");
    if (!runtimeDir.isBlank()) {
      places.put("XDG_RUNTIME_DIR", "unix://" + Path.of(runtimeDir, "docker.sock"));
      places.put("podman socket", "unix://" + Path.of(runtimeDir, "podman", "podman.sock"));
    }
    return places;
  }

  private DockerClient client(String host) {
    boolean tls =
        !env.getOrDefault("DOCKER_TLS_VERIFY", "").isEmpty()
            && !env.get("DOCKER_TLS_VERIFY").equals("0");
    String certPath = env.getOrDefault("DOCKER_CERT_PATH", home.resolve(".docker").toString());
    DefaultDockerClientConfig config =
        new DefaultDockerClientConfig.Builder()
            .withDockerHost(host)
            .withDockerTlsVerify(tls)
            .withDockerCertPath(certPath)
            // An empty config dir: docker-java would otherwise send every stored password to the
            // daemon on each build. Credentials are passed explicitly, per registry.
            .withDockerConfig(home.resolve(".ship-maven-plugin-no-docker-config").toString())
            // Unversioned API paths: the daemon's own version, never one it refuses.
            .withApiVersion(RemoteApiVersion.UNKNOWN_VERSION)
            .build();
    SSLContext sslContext = null;
    if (tls) {
      try {
        sslContext = config.getSSLConfig().getSSLContext();
      } catch (GeneralSecurityException e) {
        throw ShipException.config(
            "DOCKER_CERT_PATH "
                + certPath
                + ": the TLS certificates cannot be used ("
                + e.getMessage()
                + ").");
      }
    }
    return DockerClientImpl.getInstance(
        config, new DockerSocketClient(config.getDockerHost(), sslContext));
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static void closeQuietly(DockerClient client) {
    if (client != null) {
      try {
        client.close();
      } catch (IOException ignored) {
        // nothing to release beyond what close already tried
      }
    }
  }
}

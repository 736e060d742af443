package io.github.shipmaven.it;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The engine an invoker IT of the engine matrix runs on (pom.xml: one invoker execution per engine,
 * each with its own {@code DOCKER_HOST}, and the script variables {@code engine} and {@code
 * engineHost}). Verify scripts ask it what to expect, since engines differ: Podman has no BuildKit,
 * and the containerd image store pushes and names images its own way.
 */
public final class ItEngine {
  /** The matrix: ids of pom.xml's executions and of .ci/stack's engines. */
  public static final List<String> IDS =
      List.of("docker-20.10", "podman-4.3", "docker-28", "docker-28-containerd", "podman-6");

  private final String id;
  private final String host;

  private ItEngine(String id, String host) {
    if (!IDS.contains(id)) {
      throw new IllegalArgumentException("unknown engine " + id + ", expected one of " + IDS);
    }
    this.id = id;
    this.host = host;
  }

  /** From the script variables {@code engine} and {@code engineHost}. */
  public static ItEngine of(String id, String host) {
    return new ItEngine(id, host);
  }

  public String id() {
    return id;
  }

  /** The engine's address, as {@code DOCKER_HOST} gives it to the build. */
  public String host() {
    return host;
  }

  public boolean podman() {
    return id.startsWith("podman-");
  }

  /**
   * Docker builds with BuildKit where the plugin's {@code builder} is auto; Podman with buildah.
   */
  public boolean buildKit() {
    return !podman();
  }

  /** Docker with the containerd image store (Docker 29's default). */
  public boolean containerdStore() {
    return id.endsWith("-containerd");
  }

  /**
   * Whether the engine's BuildKit refuses a context name that is not UTF-8 (DiffCopy's {@code
   * Stat.path} is a proto3 string): Docker 28.5's does, failing the listing with "string field
   * contains invalid UTF-8"; Docker 20.10's takes the bytes. Podman builds from a tar (no session).
   */
  public boolean refusesNamesNotUtf8() {
    return id.startsWith("docker-28");
  }

  /** The name {@code ship:info} gives the engine: "Docker Engine" or "Podman". */
  public String product() {
    return podman() ? "Podman" : "Docker Engine";
  }

  /** Runs the docker CLI against this engine; returns its output, fails on a non-zero exit. */
  public String docker(File dir, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add("docker");
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.put("DOCKER_HOST", host);
    env.remove("DOCKER_CONTEXT");
    Process process = builder.start();
    String out =
        new String(
            process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException(
          "on " + id + ": " + String.join(" ", command) + " failed: " + out);
    }
    return out.trim();
  }

  @Override
  public String toString() {
    return id + " at " + host;
  }
}

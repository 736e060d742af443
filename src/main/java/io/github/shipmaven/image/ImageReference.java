package io.github.shipmaven.image;

import io.github.shipmaven.core.ShipException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An image repository without tag or digest, validated against the distribution reference grammar
 * ({@code github.com/distribution/reference}), and the registry it lives in, normalised as the
 * docker CLI does: no registry or {@code index.docker.io} means Docker Hub, {@code docker.io}.
 *
 * @param name the repository as the user wrote it; what is pushed and sent to Render
 * @param registry the registry host (with port), {@code docker.io} for Docker Hub
 * @param path the repository path inside the registry, {@code library/} added for Hub officials
 */
public record ImageReference(String name, String registry, String path) {
  public static final String DOCKER_HUB = "docker.io";

  private static final String ALNUM = "[a-z0-9]+";
  private static final String SEPARATOR = "(?:[._]|__|[-]+)";
  private static final Pattern PATH_COMPONENT =
      Pattern.compile(ALNUM + "(?:" + SEPARATOR + ALNUM + ")*");
  private static final String DOMAIN_COMPONENT =
      "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final Pattern DOMAIN =
      Pattern.compile(
          "(?:"
              + DOMAIN_COMPONENT
              + "(?:\\."
              + DOMAIN_COMPONENT
              + ")*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final int MAX_NAME_LENGTH = 255;

  /**
   * Parses {@code image} (the POM element {@code <image>}), failing with a message that names the
   * element and the fix.
   */
  public static ImageReference parse(String image) {
    if (image == null || image.isBlank()) {
      throw ShipException.config(
          "<image> (ship.image) is not set: set it to the image repository without a tag, e.g."
              + " <image>docker.io/team/app</image> in the plugin's <configuration>, or"
              + " -Dship.image=docker.io/team/app.");
    }
    String name = image.trim();
    if (name.contains("@")) {
      throw invalid(name, "it carries a digest; give the repository only");
    }
    int lastSlash = name.lastIndexOf('/');
    if (name.indexOf(':', lastSlash + 1) >= 0) {
      throw invalid(name, "it carries a tag; give the repository only and put tags in <tags>");
    }
    String registry = DOCKER_HUB;
    String path = name;
    String host = registryHost(name);
    if (host != null) {
      if (!DOMAIN.matcher(host).matches()) {
        throw invalid(name, "'" + host + "' is not a valid registry host[:port]");
      }
      registry = normalised(host);
      path = name.substring(host.length() + 1);
    }
    for (String component : path.split("/", -1)) {
      if (!PATH_COMPONENT.matcher(component).matches()) {
        throw invalid(
            name,
            "path component '"
                + component
                + "' must be lowercase letters and digits, separated by '.', '_', '__' or '-'");
      }
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw invalid(name, "it is longer than " + MAX_NAME_LENGTH + " characters");
    }
    if (registry.equals(DOCKER_HUB) && !path.contains("/")) {
      path = "library/" + path;
    }
    return new ImageReference(name, registry, path);
  }

  /**
   * The registry of any image reference ({@code name[:tag][@digest]}), by the docker CLI's rule,
   * for base images named in a Dockerfile; no validation.
   */
  public static String registryOf(String reference) {
    String name =
        reference.contains("@") ? reference.substring(0, reference.indexOf('@')) : reference;
    String host = registryHost(name);
    return host == null ? DOCKER_HUB : normalised(host);
  }

  /**
   * The docker CLI's rule: a first path component with '.' or ':', or "localhost", is a registry
   * host; null when {@code name} has none.
   */
  private static @Nullable String registryHost(String name) {
    int firstSlash = name.indexOf('/');
    if (firstSlash <= 0) {
      return null;
    }
    String first = name.substring(0, firstSlash);
    return first.contains(".") || first.contains(":") || first.equals("localhost") ? first : null;
  }

  /** {@code index.docker.io} is Docker Hub's old name. */
  private static String normalised(String host) {
    return host.equals("index.docker.io") ? DOCKER_HUB : host;
  }

  /** Whether {@code tag} is valid in the reference grammar: {@code [\w][\w.-]{0,127}}. */
  public static boolean isValidTag(String tag) {
    return TAG.matcher(tag).matches();
  }

  /** {@code name:tag}. */
  public String withTag(String tag) {
    return name + ":" + tag;
  }

  /** {@code name@digest}: the one reference that cannot move. */
  public String withDigest(String digest) {
    return name + "@" + digest;
  }

  /** Whether the registry is on this machine (localhost, 127.0.0.0/8, [::1]). */
  public boolean isLoopbackRegistry() {
    return Hosts.isLoopback(Hosts.withoutPort(registry));
  }

  private static ShipException invalid(String image, String why) {
    return ShipException.config(
        "<image> (ship.image) '" + image + "' is not a valid image repository: " + why + ".");
  }
}

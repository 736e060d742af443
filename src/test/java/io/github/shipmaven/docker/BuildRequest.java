package io.github.shipmaven.docker;

import io.github.shipmaven.registry.RegistryCredentials;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An {@link ImageBuilder.Request} for tests: the context's Dockerfile built as {@code
 * example/app:1} on the default network, nothing else set, so that a test says only what it checks.
 * A test of every parameter writes the request out whole instead.
 */
public final class BuildRequest {
  private final Path context;
  private Path dockerfile;
  private List<String> references = List.of("example/app:1");
  private Map<String, String> labels = Map.of();
  private boolean pull;
  private String network = "default";
  private List<String> cacheFrom = List.of();
  private Map<String, RegistryCredentials> pullLogins = Map.of();

  private BuildRequest(Path context) {
    this.context = context;
    this.dockerfile = context.resolve("Dockerfile");
  }

  /** The build of {@code context} with its {@code Dockerfile}. */
  public static BuildRequest of(Path context) {
    return new BuildRequest(context);
  }

  public BuildRequest dockerfile(Path dockerfile) {
    this.dockerfile = dockerfile;
    return this;
  }

  public BuildRequest references(String... references) {
    this.references = List.of(references);
    return this;
  }

  public BuildRequest labels(Map<String, String> labels) {
    this.labels = labels;
    return this;
  }

  public BuildRequest pull(boolean pull) {
    this.pull = pull;
    return this;
  }

  /** As the POM gives it: null and blank are left to the request to read as the default. */
  public BuildRequest network(String network) {
    this.network = network;
    return this;
  }

  /** As the POM gives it: null is left to the request to read as none. */
  public BuildRequest cacheFrom(List<String> cacheFrom) {
    this.cacheFrom = cacheFrom;
    return this;
  }

  public BuildRequest pullLogins(Map<String, RegistryCredentials> pullLogins) {
    this.pullLogins = pullLogins;
    return this;
  }

  public ImageBuilder.Request toRequest() {
    return new ImageBuilder.Request(
        context,
        dockerfile,
        references,
        Map.of(),
        labels,
        null,
        null,
        pull,
        false,
        network,
        cacheFrom,
        pullLogins);
  }
}

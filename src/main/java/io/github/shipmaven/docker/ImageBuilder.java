package io.github.shipmaven.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageCmd;
import com.github.dockerjava.api.model.AuthConfigurations;
import com.github.dockerjava.api.model.BuildResponseItem;
import com.github.dockerjava.core.DockerClientConfig;
import io.github.shipmaven.context.BuildContext;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.registry.RegistryCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Builds and tags an image from a Dockerfile and a context directory, streaming the output. */
public final class ImageBuilder {

  /**
   * What to build. {@code references} are full {@code repository:tag} names; {@code pullLogins} are
   * the logins for the registries the Dockerfile pulls from, by registry.
   */
  public record Request(
      Path contextDirectory,
      Path dockerfile,
      List<String> references,
      Map<String, String> buildArgs,
      Map<String, String> labels,
      String target,
      String platform,
      boolean pull,
      boolean noCache,
      Map<String, RegistryCredentials> pullLogins) {}

  private final DockerClient docker;
  private final ShipLog log;

  public ImageBuilder(DockerClient docker, ShipLog log) {
    this.docker = docker;
    this.log = log;
  }

  /** Checks the inputs that need no daemon, so bad ones fail before any work. */
  public static void validate(Path contextDirectory, Path dockerfile) {
    if (!Files.isDirectory(contextDirectory)) {
      throw ShipException.config(
          "<contextDirectory> (ship.context) " + contextDirectory + " is not a directory.");
    }
    if (!Files.isRegularFile(dockerfile)) {
      throw ShipException.config(
          "<dockerfile> (ship.dockerfile) "
              + dockerfile
              + " does not exist: add a Dockerfile or point <dockerfile> at it.");
    }
    if (!dockerfile
        .toAbsolutePath()
        .normalize()
        .startsWith(contextDirectory.toAbsolutePath().normalize())) {
      throw ShipException.config(
          "<dockerfile> (ship.dockerfile) "
              + dockerfile
              + " is outside <contextDirectory> "
              + contextDirectory
              + ": move it into the context or widen the context.");
    }
  }

  /** Builds, returning the image id ({@code sha256:...}). */
  public String build(Request request) {
    validate(request.contextDirectory(), request.dockerfile());
    BuildContext context = BuildContext.of(request.contextDirectory(), request.dockerfile());
    BuildContext.Streaming upload = context.stream(log, ImageBuilder::warmUpResponseParsing);
    BuildImageCmd cmd =
        docker
            .buildImageCmd(upload)
            .withDockerfilePath(context.dockerfilePath())
            .withTags(new LinkedHashSet<>(request.references()))
            .withLabels(request.labels())
            .withPull(request.pull())
            .withNoCache(request.noCache())
            .withRemove(true);
    request.buildArgs().forEach(cmd::withBuildArg);
    if (!request.pullLogins().isEmpty()) {
      AuthConfigurations logins = new AuthConfigurations();
      request
          .pullLogins()
          .forEach((registry, login) -> logins.addConfig(DockerAuth.of(registry, login)));
      cmd.withBuildAuthConfigs(logins);
    }
    if (request.target() != null && !request.target().isBlank()) {
      cmd.withTarget(request.target());
    }
    if (request.platform() != null && !request.platform().isBlank()) {
      cmd.withPlatform(request.platform());
    }
    BuildOutput output = new BuildOutput(log);
    Throwable failure = cmd.exec(new DaemonStream<>(output)).await("building the image");
    // The daemon's own error first: it explains a context upload that broke off.
    if (output.error != null) {
      throw ShipException.failed("docker build failed: " + output.error);
    }
    if (failure != null) {
      throw ShipException.failed(
          "docker build failed: " + DockerConnector.rootMessage(failure), failure);
    }
    upload.summary();
    if (output.imageId != null) {
      return output.imageId;
    }
    // A daemon that sends no aux ID names the image only by a short id; it knows the full one.
    return docker.inspectImageCmd(request.references().get(0)).exec().getId();
  }

  /**
   * Jackson builds its bean deserializers on first use, ~60 ms in a fresh JVM: let that happen
   * while the context upload waits on the daemon (the files go by sendfile, the CPU is free), not
   * after it, when the daemon's answer is waiting to be read, nor before it, when both cores are
   * still busy preparing the request.
   */
  private static void warmUpResponseParsing() {
    Thread warmUp =
        new Thread(
            () -> {
              try {
                DockerClientConfig.getDefaultObjectMapper()
                    .readValue("{\"stream\":\"\",\"aux\":{}}", BuildResponseItem.class);
              } catch (IOException | RuntimeException ignored) {
                // only ever a head start
              }
            },
            "ship-json-warm-up");
    warmUp.setDaemon(true);
    warmUp.start();
  }

  /** Streams build output to the log and remembers the first error. */
  private static final class BuildOutput implements Consumer<BuildResponseItem> {
    private final ShipLog log;
    private String error;
    private String imageId;

    BuildOutput(ShipLog log) {
      this.log = log;
    }

    @Override
    public void accept(BuildResponseItem item) {
      String message = DaemonStream.errorOf(item);
      if (message != null) {
        error = error == null ? message : error;
      } else if (item.getRawValues().get("aux") instanceof Map<?, ?> aux
          && aux.get("ID") instanceof String id
          && id.startsWith("sha256:")) {
        imageId = id; // the built image, in full: no inspect round trip
      } else if (item.getStream() != null) {
        item.getStream()
            .lines()
            .map(String::stripTrailing)
            .filter(l -> !l.isEmpty())
            .forEach(log::info);
      }
    }
  }
}

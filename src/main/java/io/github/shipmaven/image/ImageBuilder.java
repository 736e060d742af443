package io.github.shipmaven.image;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.BuildImageCmd;
import com.github.dockerjava.api.model.AuthConfigurations;
import com.github.dockerjava.api.model.BuildResponseItem;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.registry.RegistryCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

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
    BuildContext.Streaming upload = context.stream(log);
    BuildImageCmd cmd =
        docker
            .buildImageCmd(upload.input())
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
    try {
      cmd.exec(output).awaitCompletion();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ShipException.failed("Interrupted while building the image.", e);
    }
    upload.summary();
    output.check();
    // The stream names the image only by a short id; the daemon knows the full one.
    return docker.inspectImageCmd(request.references().get(0)).exec().getId();
  }

  /** Streams build output to the log and remembers the first error. */
  static final class BuildOutput extends ResultCallback.Adapter<BuildResponseItem> {
    private final ShipLog log;
    private volatile String error;
    private volatile Throwable failure;

    BuildOutput(ShipLog log) {
      this.log = log;
    }

    @Override
    public void onNext(BuildResponseItem item) {
      if (item.isErrorIndicated()) {
        String message =
            item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                ? item.getErrorDetail().getMessage()
                : item.getError();
        if (error == null) {
          error = message;
        }
        return;
      }
      if (item.getStream() != null) {
        item.getStream()
            .lines()
            .map(String::stripTrailing)
            .filter(l -> !l.isEmpty())
            .forEach(log::info);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      // Recorded and reported once by check(); docker-java's default would also log a stack trace.
      failure = throwable;
      try {
        close();
      } catch (java.io.IOException ignored) {
        // the stream is already broken
      }
    }

    void check() {
      if (error != null) {
        throw ShipException.failed("docker build failed: " + error);
      }
      if (failure != null) {
        throw ShipException.failed(
            "docker build failed: " + DockerConnector.rootMessage(failure), failure);
      }
    }
  }
}

package io.github.shipmaven.docker;

import com.github.dockerjava.api.command.BuildImageCmd;
import com.github.dockerjava.api.model.AuthConfigurations;
import com.github.dockerjava.api.model.BuildResponseItem;
import com.github.dockerjava.core.DockerClientConfig;
import io.github.shipmaven.context.BaseImages;
import io.github.shipmaven.context.BuildContext;
import io.github.shipmaven.context.Builder;
import io.github.shipmaven.context.DockerfileCheck;
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
import org.jspecify.annotations.Nullable;

/**
 * Builds and tags an image from a Dockerfile and a context directory, streaming the output, with
 * the classic builder (through docker-java) or BuildKit (through a {@link BuildKitRunner}: the
 * {@code buildkit} package's session).
 */
public final class ImageBuilder {
  /** The network modes both builders take; BuildKit takes no others. */
  /**
   * What to build. {@code references} are full {@code repository:tag} names; {@code network} is the
   * network of RUN steps ({@code default}, {@code host} or {@code none}; null means default);
   * {@code cacheFrom} names images whose layers the build may reuse; {@code pullLogins} are the
   * logins for the registries the Dockerfile pulls from, by registry.
   */
  public record Request(
      Path contextDirectory,
      Path dockerfile,
      List<String> references,
      Map<String, String> buildArgs,
      Map<String, String> labels,
      @Nullable String target,
      @Nullable String platform,
      boolean pull,
      boolean noCache,
      @Nullable String network,
      List<String> cacheFrom,
      Map<String, RegistryCredentials> pullLogins) {

    /** Normalised: no network is the default one; no cacheFrom is none. */
    public Request {
      network = network == null || network.isBlank() ? "default" : network.trim();
      cacheFrom = cacheFrom == null ? List.of() : List.copyOf(cacheFrom);
    }
  }

  private final DockerDaemon daemon;
  private final ShipLog log;
  private final BuildKitRunner buildKit;

  /** A builder for the classic builder only. */
  public ImageBuilder(DockerDaemon daemon, ShipLog log) {
    this(daemon, log, BuildKitRunner.NONE);
  }

  /**
   * @param buildKit runs BuildKit builds
   */
  public ImageBuilder(DockerDaemon daemon, ShipLog log, BuildKitRunner buildKit) {
    this.daemon = daemon;
    this.log = log;
    this.buildKit = buildKit;
  }

  /**
   * Checks the inputs that need no daemon, so bad ones fail before any work; {@code builder} is the
   * one that will build (BuildKit takes a Dockerfile outside the context, the classic builder does
   * not).
   */
  public static void validate(Path contextDirectory, Path dockerfile, Builder builder) {
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
    if (builder == Builder.CLASSIC
        && !dockerfile
            .toAbsolutePath()
            .normalize()
            .startsWith(contextDirectory.toAbsolutePath().normalize())) {
      throw ShipException.config(
          "<dockerfile> (ship.dockerfile) "
              + dockerfile
              + " is outside <contextDirectory> "
              + contextDirectory
              + ": move it into the context or widen the context (the classic builder reads the"
              + " Dockerfile from the context; BuildKit does not need that).");
    }
  }

  /**
   * Builds with the chosen builder, returning the image id ({@code sha256:...}). The first line
   * logged names the builder and why ({@link BuilderChoice#reason()}).
   */
  public String build(Request request, BuilderChoice builder) {
    validate(request.contextDirectory(), request.dockerfile(), builder.builder());
    log.info("Builder: " + builder.reason());
    String dockerfile = readDockerfile(request.dockerfile());
    // What this builder cannot build, as the plugin drives it, fails here: before the upload.
    // Not on Podman: it builds with buildah, not Docker's classic builder, and buildah has what
    // the check refuses there (RUN --mount=type=cache, COPY --chmod, TARGETARCH: the
    // buildkit-dockerfile IT builds on Podman 4.3 and 6.1) and names what it lacks itself; the
    // check's advice, <builder>buildkit</builder>, is refused on Podman.
    if (!daemon.isPodman()) {
      DockerfileCheck.check(
              request.dockerfile(), dockerfile, builder.builder(), request.buildArgs())
          .forEach(log::warn);
    }
    BuildContext context =
        BuildContext.of(request.contextDirectory(), request.dockerfile(), builder.builder());
    if (builder.builder() == Builder.BUILDKIT) {
      return buildWithBuildKit(request, dockerfile, context);
    }
    return buildClassic(request, context);
  }

  private static String readDockerfile(Path dockerfile) {
    try {
      return Files.readString(dockerfile);
    } catch (IOException e) {
      throw ShipException.config(
          "<dockerfile> (ship.dockerfile) " + dockerfile + " cannot be read: " + e.getMessage());
    }
  }

  private String buildWithBuildKit(Request request, String dockerfile, BuildContext context) {
    if (buildKit.logsIn()) {
      // The session answers BuildKit's Auth/Credentials: BuildKit pulls with the login itself.
      return buildKit.build(daemon, request, context, request.pull());
    }
    List<BaseImages.BaseImage> baseImages = BaseImages.images(dockerfile, request.buildArgs());
    // BuildKit's own pull (pull=1) cannot log in: where a base image is behind a login, every
    // base image is pulled here instead; else BuildKit pulls them as usual.
    boolean behindLogin =
        baseImages.stream().anyMatch(image -> request.pullLogins().containsKey(image.registry()));
    boolean pullHere = request.pull() && behindLogin;
    new BaseImagePuller(daemon::client, log)
        .pull(baseImages, request.pullLogins(), pullHere, request.platform());
    return buildKit.build(daemon, request, context, request.pull() && !pullHere);
  }

  private String buildClassic(Request request, BuildContext context) {
    BuildContext.Streaming upload = context.stream(log, ImageBuilder::warmUpResponseParsing);
    BuildImageCmd cmd =
        daemon
            .client()
            .buildImageCmd(upload)
            .withDockerfilePath(context.dockerfilePath())
            .withTags(new LinkedHashSet<>(request.references()))
            .withLabels(request.labels())
            .withPull(request.pull())
            .withNoCache(request.noCache())
            // forcerm: a failed step's container goes too (docker build keeps it by default), so
            // failing builds do not pile stopped containers up on a long-lived CI agent's daemon.
            .withRemove(true)
            .withForcerm(true);
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
    if (!request.network().equals("default")) {
      cmd.withNetworkMode(request.network());
    }
    if (!request.cacheFrom().isEmpty()) {
      cmd.withCacheFrom(new LinkedHashSet<>(request.cacheFrom()));
    }
    BuildOutput output = new BuildOutput(log);
    Throwable failure = cmd.exec(new DaemonStream<>(output)).await("building the image");
    // The daemon's own error first: it explains a context upload that broke off.
    if (output.error != null) {
      throw ShipException.failed("docker build failed: " + output.error);
    }
    if (failure instanceof ShipException unreadable) {
      throw unreadable; // the context could not be read: the user's to fix, as it says
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
    return daemon.client().inspectImageCmd(request.references().get(0)).exec().getId();
  }

  /**
   * Jackson builds its bean deserializers on first use, ~60 ms in a fresh JVM: a head start while
   * the upload goes out, not after it, nor before it, when both cores are still busy preparing the
   * request.
   */
  private static BuildResponseItem warmUpResponseParsing() throws IOException {
    return DockerClientConfig.getDefaultObjectMapper()
        .readValue("{\"stream\":\"\",\"aux\":{}}", BuildResponseItem.class);
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

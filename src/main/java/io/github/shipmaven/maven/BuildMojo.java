package io.github.shipmaven.maven;

import io.github.shipmaven.context.BaseImages;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.docker.ImageBuilder;
import io.github.shipmaven.image.OciLabels;
import io.github.shipmaven.plan.ImageRecord;
import io.github.shipmaven.registry.CredentialResolver;
import io.github.shipmaven.registry.RegistryCredentials;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/** Builds the image from the Dockerfile, labels it, and tags it with every tag. */
@Mojo(name = "build", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class BuildMojo extends AbstractShipMojo {

  /**
   * Skips this goal only.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.BUILD_SKIP, defaultValue = "false")
  boolean skipBuild;

  /**
   * The Dockerfile.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.DOCKERFILE, defaultValue = "${project.basedir}/Dockerfile")
  File dockerfile;

  /**
   * The build context sent to the daemon; its {@code .dockerignore} is honoured.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.CONTEXT, defaultValue = "${project.basedir}")
  File contextDirectory;

  /**
   * Build arguments ({@code ARG} values).
   *
   * @since 0.1.0
   */
  @Parameter Map<String, String> buildArgs;

  /**
   * Extra image labels; they may override the OCI labels the plugin adds.
   *
   * @since 0.1.0
   */
  @Parameter Map<String, String> labels;

  /**
   * The stage of a multi-stage Dockerfile to build; default the last.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.TARGET)
  String target;

  /**
   * The platform to build for, e.g. {@code linux/amd64}; default the daemon's.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.PLATFORM)
  String platform;

  /**
   * Always pull newer versions of base images.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.PULL, defaultValue = "false")
  boolean pull;

  /**
   * Build without the daemon's layer cache.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.NO_CACHE, defaultValue = "false")
  boolean noCache;

  @Inject
  public BuildMojo(SettingsDecrypter decrypter) {
    super(decrypter);
  }

  @Override
  boolean needsDocker() {
    return true;
  }

  @Override
  String goal() {
    return "build";
  }

  @Override
  boolean skipGoal() {
    return skipBuild;
  }

  @Override
  String skipProperty() {
    return ShipProperties.BUILD_SKIP;
  }

  /** Logins for the registries the Dockerfile pulls from; only those are sent to the daemon. */
  private Map<String, RegistryCredentials> pullLogins() {
    String text;
    try {
      text = Files.readString(dockerfile.toPath());
    } catch (IOException e) {
      throw ShipException.config(
          "<dockerfile> (ship.dockerfile) " + dockerfile + " cannot be read: " + e.getMessage());
    }
    CredentialResolver resolver = credentialResolver();
    Map<String, RegistryCredentials> logins = new LinkedHashMap<>();
    for (String registry : BaseImages.registries(text, buildArgs == null ? Map.of() : buildArgs)) {
      resolver
          .resolveForPull(registry)
          .ifPresent(
              login -> {
                secrets().addLogin(login.username(), login.secret());
                logins.put(registry, login);
              });
    }
    return logins;
  }

  @Override
  void run(ShipPlan plan) {
    ShipLog log = log();
    ImageBuilder.validate(contextDirectory.toPath(), dockerfile.toPath());
    Map<String, String> allLabels =
        new LinkedHashMap<>(
            OciLabels.of(
                plan.git(),
                project.getVersion(),
                project.getName() == null ? project.getArtifactId() : project.getName(),
                OciLabels.created(
                    environment,
                    project.getProperties().getProperty("project.build.outputTimestamp"),
                    plan.git())));
    if (labels != null) {
      allLabels.putAll(labels);
    }
    List<String> references = plan.references();
    ImageBuilder.Request request =
        new ImageBuilder.Request(
            contextDirectory.toPath(),
            dockerfile.toPath(),
            references,
            buildArgs == null ? Map.of() : buildArgs,
            allLabels,
            target,
            platform,
            pull,
            noCache,
            pullLogins());
    // Only now wait for the daemon connection, made meanwhile on its own thread.
    String imageId = new ImageBuilder(docker().client(), log).build(request);
    ImageRecord.start(imageRecordFile(), plan.image().name())
        .tags(plan.tags())
        .git(plan.git())
        .imageId(imageId)
        .write();
    project.getProperties().setProperty(ShipProperties.IMAGE_ID, imageId);
    log.info("Built " + imageId + " tagged " + String.join(", ", references));
  }
}

package io.github.shipmaven.maven;

import io.github.shipmaven.core.Durations;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.core.Sleeper;
import io.github.shipmaven.core.StepSummary;
import io.github.shipmaven.docker.ImagePusher;
import io.github.shipmaven.plan.ImageRecord;
import io.github.shipmaven.registry.RegistryCredentials;
import java.time.Duration;
import javax.inject.Inject;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Pushes every tag of the image and records the manifest digest the registry confirmed. A push that
 * the registry did not confirm fails the build.
 */
@Mojo(name = "push", defaultPhase = LifecyclePhase.DEPLOY, threadSafe = true)
public class PushMojo extends AbstractShipMojo {

  /**
   * Skips this goal only.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.PUSH_SKIP, defaultValue = "false")
  boolean skipPush;

  /**
   * How many times a transient push failure (timeout, connection reset, 5xx) is retried, with
   * backoff. A refused login is never retried.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.PUSH_RETRIES, defaultValue = "3")
  int retries;

  /**
   * How long a push may make no progress (no layer advancing) before it is abandoned and, as a
   * transient failure, retried; ISO-8601, e.g. {@code PT2M}. The daemon cancels a push whose client
   * goes away.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.PUSH_STALL_TIMEOUT, defaultValue = "PT2M")
  String pushStallTimeout;

  /** Waits between retries; tests replace it. */
  Sleeper sleeper = Sleeper.REAL;

  @Inject
  public PushMojo(SettingsDecrypter decrypter) {
    super(decrypter);
  }

  @Override
  boolean needsDocker() {
    return true;
  }

  @Override
  String goal() {
    return "push";
  }

  @Override
  boolean skipGoal() {
    return skipPush;
  }

  @Override
  String skipProperty() {
    return ShipProperties.PUSH_SKIP;
  }

  @Override
  void run(ShipPlan plan) {
    if (!branchAllows(plan)) {
      return;
    }
    if (retries < 0) {
      throw ShipException.config(
          "<retries> (ship.push.retries) is " + retries + ": use 0 or more.");
    }
    Duration stallTimeout =
        Durations.positive(pushStallTimeout, "<pushStallTimeout> (ship.push.stallTimeout)");
    ShipLog log = log();
    // The plan may come from a goal that did not foresee this push.
    RegistryCredentials login =
        plan.loginChecked() ? plan.credentials() : requireCredentials(plan.image());
    String digest =
        new ImagePusher(docker(), log, sleeper)
            .push(plan.image(), plan.tags(), login, new ImagePusher.Policy(retries, stallTimeout));
    ImageRecord.load(imageRecordFile(), plan.image().name())
        .tags(plan.tags())
        .git(plan.git())
        .digest(digest)
        .write();
    project.getProperties().setProperty(ShipProperties.IMAGE_DIGEST, digest);
    StepSummary.append(
        environment,
        "### Pushed `"
            + plan.image().withDigest(digest)
            + "`\n\nTags: "
            + String.join(", ", plan.tags()),
        log);
  }
}

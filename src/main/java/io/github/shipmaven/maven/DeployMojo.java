package io.github.shipmaven.maven;

import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.core.Sleeper;
import io.github.shipmaven.core.StepSummary;
import io.github.shipmaven.plan.ImageRecord;
import io.github.shipmaven.render.DeployHook;
import io.github.shipmaven.render.RenderClient;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import javax.inject.Inject;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Triggers the Render deploy hook with {@code imgURL=<image>@<digest>}: Render deploys exactly the
 * image that was pushed. With {@code wait}, follows the deploy until it is live.
 */
@Mojo(name = "deploy", defaultPhase = LifecyclePhase.DEPLOY, threadSafe = true)
public class DeployMojo extends AbstractShipMojo {

  /**
   * Skips this goal only.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.DEPLOY_SKIP, defaultValue = "false")
  boolean skipDeploy;

  /**
   * How long {@code wait} waits for the deploy to go live, ISO-8601 ({@code PT10M}).
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.RENDER_TIMEOUT, defaultValue = "PT10M")
  String timeout;

  /**
   * How often {@code wait} asks Render for the deploy's status, ISO-8601.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.RENDER_POLL_INTERVAL, defaultValue = "PT5S")
  String pollInterval;

  /**
   * Render's API, for following deploys; a Render-compatible stand-in may be named here. Plain
   * {@code http} is accepted for loopback hosts only.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.RENDER_API_URL, defaultValue = "https://api.render.com")
  String renderApiUrl;

  /**
   * When no digest was pushed from this commit (push skipped), deploy the first tag instead of
   * failing. A tag can move: Render then deploys whatever it points to when it pulls.
   *
   * @since 0.1.0
   */
  @Parameter(property = ShipProperties.RENDER_ALLOW_TAG_DEPLOY, defaultValue = "false")
  boolean allowTagDeploy;

  /** Waits between retries and polls; tests replace it. */
  Sleeper sleeper = Sleeper.REAL;

  /** The HTTP client; tests replace it. */
  OkHttpClient http = new OkHttpClient();

  @Inject
  public DeployMojo(SettingsDecrypter decrypter) {
    super(decrypter);
  }

  @Override
  String goal() {
    return "deploy";
  }

  @Override
  boolean skipGoal() {
    return skipDeploy;
  }

  @Override
  String skipProperty() {
    return ShipProperties.DEPLOY_SKIP;
  }

  @Override
  void run(ShipPlan plan) {
    if (!branchAllows(plan)) {
      return;
    }
    ShipLog log = log();
    // The plan may come from a goal that did not foresee this deploy.
    DeployHook hook = plan.hook() != null ? plan.hook() : requireDeploySetup();
    Duration waitTimeout = duration(timeout, "<timeout> (ship.render.timeout)");
    Duration interval = duration(pollInterval, "<pollInterval> (ship.render.pollInterval)");
    HttpUrl apiUrl = apiUrl();
    ImageRecord record = ImageRecord.load(imageRecordFile(), plan.image().name());
    String digest = record.digestOf(plan.git().sha()).orElse(null);
    String imageUrl;
    if (digest != null) {
      imageUrl = plan.image().withDigest(digest);
    } else if (allowTagDeploy) {
      imageUrl = plan.image().withTag(plan.tags().get(0));
      log.warn(
          "No digest was pushed from this commit: deploying the tag "
              + imageUrl
              + " (allowTagDeploy); Render deploys whatever it points to when it pulls.");
    } else {
      throw ShipException.config(
          "No digest of "
              + plan.image().name()
              + " was pushed from commit "
              + plan.git().shortSha()
              + " ("
              + imageRecordFile()
              + "): run ship:push before ship:deploy (bind both to deploy, push first), or set"
              + " <allowTagDeploy>true</allowTagDeploy> (ship.render.allowTagDeploy) to deploy the tag.");
    }
    RenderClient render =
        new RenderClient(http, apiUrl, apiKey().orElse(null), clock, sleeper, log);
    String deployId = render.trigger(hook, imageUrl);
    log.info(
        "Render deploy "
            + (deployId == null ? "queued" : deployId)
            + " of "
            + imageUrl
            + ": "
            + RenderClient.dashboardUrl(hook.serviceId(), deployId));
    String status = "triggered";
    if (wait) {
      RenderClient.Deploy deploy =
          render.await(hook.serviceId(), deployId, digest, waitTimeout, interval);
      deployId = deploy.id();
      status = deploy.status();
      log.info("Render deploy " + deployId + " is " + status + ".");
    }
    String link = RenderClient.dashboardUrl(hook.serviceId(), deployId);
    record.deploy(deployId, status, link).write();
    StepSummary.append(
        environment,
        "### Render deploy "
            + (deployId == null ? "" : "[" + deployId + "](" + link + ") ")
            + status
            + "\n\nImage: `"
            + imageUrl
            + "`",
        log);
  }

  private HttpUrl apiUrl() {
    HttpUrl url = HttpUrl.parse(renderApiUrl == null ? "" : renderApiUrl.trim());
    if (url == null || !(url.isHttps() || DeployHook.isLoopback(url.host()))) {
      throw ShipException.config(
          "<renderApiUrl> (ship.render.apiUrl) '"
              + renderApiUrl
              + "' must be an https URL (plain http only for loopback hosts).");
    }
    return url;
  }

  private static Duration duration(String value, String element) {
    try {
      Duration d = Duration.parse(value.trim());
      if (d.isNegative() || d.isZero()) {
        throw ShipException.config(element + " must be positive, e.g. PT10M.");
      }
      return d;
    } catch (DateTimeParseException | NullPointerException e) {
      throw ShipException.config(
          element + " '" + value + "' is not an ISO-8601 duration, e.g. PT10M or PT30S.");
    }
  }
}

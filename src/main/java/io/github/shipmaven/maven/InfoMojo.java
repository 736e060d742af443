package io.github.shipmaven.maven;

import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.git.GitFacts;
import io.github.shipmaven.registry.CredentialResolver;
import io.github.shipmaven.registry.RegistryCredentials;
import io.github.shipmaven.render.DeployHook;
import javax.inject.Inject;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Prints the plan: git facts, image references, whether push and deploy would run on this branch,
 * and where credentials would come from (never the secrets). Changes nothing.
 */
@Mojo(name = "info", threadSafe = true)
public class InfoMojo extends AbstractShipMojo {

  @Inject
  public InfoMojo(SettingsDecrypter decrypter) {
    super(decrypter);
  }

  @Override
  String goal() {
    return "info";
  }

  @Override
  boolean skipGoal() {
    return false;
  }

  @Override
  String skipProperty() {
    return ShipProperties.SKIP;
  }

  @Override
  void run(ShipPlan plan) {
    ShipLog log = log();
    GitFacts git = plan.git();
    BuildGoals goals = buildGoals();
    boolean onBranch = plan.branches().allows(git.branch());
    log.info("Image:      " + plan.image().name() + " (registry " + plan.image().registry() + ")");
    log.info(
        "Commit:     "
            + git.sha()
            + (git.dirty()
                ? " with uncommitted changes to " + String.join(", ", git.changedPaths())
                : " (clean)"));
    log.info(
        "Branch:     "
            + (git.branch() == null ? "unknown" : git.branch())
            + " (from "
            + git.branchSource()
            + ")");
    log.info("Tags:       " + String.join(", ", plan.references()));
    String branchRule = onBranch ? "run on this branch" : "are skipped on this branch";
    log.info("Branches:   " + plan.branches().describe() + ": push and deploy " + branchRule);
    for (String goal : new String[] {"build", "push", "deploy"}) {
      log.info(
          String.format(
              "ship:%-7s %s", goal, goals.isBound(goal) ? "bound in the POM" : "not bound"));
    }
    CredentialResolver resolver = credentialResolver();
    String registry = plan.image().registry();
    log.info(
        "Login:      "
            + resolver
                .resolve(registry, serverId)
                .map(RegistryCredentials::source)
                .orElse(
                    "none found (looked in "
                        + String.join(", ", resolver.sources(registry, serverId))
                        + ")"));
    log.info("Deploy hook: " + hookDescription());
    log.info(
        "Render API: "
            + apiKeyDescription()
            + (wait ? "; ship:deploy waits for the deploy" : "; ship:deploy does not wait"));
  }

  private String apiKeyDescription() {
    try {
      return apiKey().isPresent()
          ? "key found"
          : "no key (" + ShipProperties.API_KEY_VARIABLE + " is not set)";
    } catch (ShipException e) {
      return "invalid: " + e.getMessage();
    }
  }

  private String hookDescription() {
    try {
      return deployHook()
          .map(
              (DeployHook h) ->
                  h.source() + " (" + h.redacted() + ", service " + h.serviceId() + ")")
          .orElse("none (set " + ShipProperties.HOOK_VARIABLE + " or <renderServerId>)");
    } catch (ShipException e) {
      return "invalid: " + e.getMessage();
    }
  }
}

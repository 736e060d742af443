package io.github.shipmaven.maven;

import io.github.shipmaven.git.BranchFilter;
import io.github.shipmaven.git.GitFacts;
import io.github.shipmaven.image.ImageReference;
import io.github.shipmaven.registry.RegistryCredentials;
import io.github.shipmaven.render.DeployHook;
import java.util.List;

/**
 * The validated plan of one build, computed once by the first ship goal and shared by the others.
 *
 * @param loginChecked whether the plan foresaw the push and looked up its login
 * @param credentials that login (null if not looked up, or for a loopback registry without one)
 * @param hook the deploy hook when deploy runs on this branch
 */
record ShipPlan(
    ImageReference image,
    GitFacts git,
    List<String> tags,
    BranchFilter branches,
    boolean loginChecked,
    RegistryCredentials credentials,
    DeployHook hook) {

  /** Full {@code repository:tag} references. */
  List<String> references() {
    return tags.stream().map(image::withTag).toList();
  }
}

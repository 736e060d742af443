package io.github.shipmaven.plan;

import io.github.shipmaven.buildkit.BuildServices;
import io.github.shipmaven.docker.ImageBuilder;
import io.github.shipmaven.docker.ImagePusher;
import io.github.shipmaven.git.BranchFilter;
import io.github.shipmaven.git.GitFacts;
import io.github.shipmaven.image.ImageReference;
import io.github.shipmaven.registry.RegistryCredentials;
import io.github.shipmaven.render.RenderTarget;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The validated plan of one pipeline, made once by the first goal that runs and shared by the
 * others. Every part a running goal needs is here and was checked before anything was built.
 *
 * @param build the build request; null unless {@code ship:build} runs
 * @param services what a BuildKit build's session serves (secrets, SSH agents, logins), checked;
 *     null unless {@code ship:build} runs
 * @param login the registry login for the push; null when none is needed (a loopback registry
 *     without one) or the push is not planned
 * @param push how to push; null unless {@code ship:push} runs on this branch
 * @param render where the deploy or rollback goes; null unless {@code ship:deploy} runs on this
 *     branch or {@code ship:rollback} runs
 */
public record ShipPlan(
    ShipSettings settings,
    ImageReference image,
    GitFacts git,
    List<String> tags,
    BranchFilter branches,
    ImageBuilder.@Nullable Request build,
    @Nullable BuildServices services,
    @Nullable RegistryCredentials login,
    ImagePusher.@Nullable Policy push,
    @Nullable RenderTarget render) {

  /** Whether push and deploy run on this branch. */
  public boolean onBranch() {
    return branches.allows(git.branch());
  }

  /** Full {@code repository:tag} references. */
  public List<String> references() {
    return tags.stream().map(image::withTag).toList();
  }
}

package io.github.shipmaven.git;

import io.github.shipmaven.core.ShipException;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefDatabase;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.jspecify.annotations.Nullable;

/** Reads {@link GitFacts} for a directory inside a git work tree. */
public final class GitReader {
  private static final int CHANGED_PATHS_SHOWN = 5;

  private final Map<String, String> env;

  /**
   * @param env the process environment, where CI systems name the branch of a detached HEAD
   */
  public GitReader(Map<String, String> env) {
    this.env = env;
  }

  public GitFacts read(Path directory) {
    JGitSetup.apply(env);
    FileRepositoryBuilder builder = new FileRepositoryBuilder();
    // git's own variables, read from the injected environment rather than the JVM's.
    String gitDir = env.getOrDefault("GIT_DIR", "");
    if (!gitDir.isBlank()) {
      builder.setGitDir(directory.resolve(gitDir).toFile());
    } else {
      for (String ceiling :
          env.getOrDefault("GIT_CEILING_DIRECTORIES", "").split(File.pathSeparator)) {
        if (!ceiling.isBlank()) {
          builder.addCeilingDirectory(new File(ceiling));
        }
      }
      builder.findGitDir(directory.toFile());
    }
    if (builder.getGitDir() == null) {
      throw ShipException.config(
          "Not a git repository: "
              + directory
              + " (nor any parent). Run the build in a git checkout, or set ship.skip=true.");
    }
    try (Repository repo = builder.setMustExist(true).build();
        RevWalk walk = new RevWalk(repo)) {
      ObjectId head = repo.resolve(Constants.HEAD);
      if (head == null) {
        throw ShipException.config(
            "The git repository at "
                + repo.getDirectory()
                + " has no commits yet: commit first, the image is tagged with the commit sha.");
      }
      RevCommit commit = walk.parseCommit(head);
      CiBranch.Found branch = branch(repo);
      List<String> changed = TrackedChanges.of(repo);
      return new GitFacts(
          head.name(),
          branch == null ? null : branch.branch(),
          branch == null ? "none (detached HEAD, no CI branch variable)" : branch.source(),
          !changed.isEmpty(),
          changed.stream().limit(CHANGED_PATHS_SHOWN).toList(),
          exactTag(repo, head),
          remoteUrl(repo),
          commit.getCommitterIdent().getWhenAsInstant());
    } catch (IOException | GitAPIException e) {
      throw ShipException.failed(
          "Could not read git repository " + builder.getGitDir() + ": " + e, e);
    }
  }

  private CiBranch.@Nullable Found branch(Repository repo) throws IOException {
    Ref head = repo.exactRef(Constants.HEAD);
    if (head != null && head.isSymbolic()) {
      return new CiBranch.Found(
          Repository.shortenRefName(head.getTarget().getName()), "git (HEAD is on a branch)");
    }
    // Detached HEAD, as CI checkouts are: git only knows the sha, the CI knows the branch.
    return CiBranch.detect(env).orElse(null);
  }

  private static @Nullable String exactTag(Repository repo, ObjectId head) throws IOException {
    RefDatabase refs = repo.getRefDatabase();
    TreeSet<String> tags = new TreeSet<>();
    for (Ref ref : refs.getRefsByPrefix(Constants.R_TAGS)) {
      // A clone's packed-refs carry each tag's peeled commit: thousands of annotated tags are then
      // compared without reading one tag object. Loose tags are peeled by reading theirs.
      Ref peeled = ref.isPeeled() ? ref : refs.peel(ref);
      ObjectId target =
          peeled.getPeeledObjectId() != null ? peeled.getPeeledObjectId() : peeled.getObjectId();
      if (head.equals(target)) {
        tags.add(Repository.shortenRefName(ref.getName()));
      }
    }
    return tags.isEmpty() ? null : tags.last();
  }

  private static @Nullable String remoteUrl(Repository repo) {
    String url = repo.getConfig().getString("remote", "origin", "url");
    if (url == null) {
      url =
          repo.getConfig().getSubsections("remote").stream()
              .map(name -> repo.getConfig().getString("remote", name, "url"))
              .filter(Objects::nonNull)
              .findFirst()
              .orElse(null);
    }
    return url == null ? null : withoutCredentials(url);
  }

  /** {@code https://user:token@host/x} becomes {@code https://host/x}; scp-like URLs stay. */
  static String withoutCredentials(String url) {
    try {
      URI uri = new URI(url);
      if (uri.getRawUserInfo() == null || uri.getHost() == null) {
        return url;
      }
      return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null)
          .toString();
    } catch (URISyntaxException e) {
      return url.contains("://") ? url.replaceFirst("://[^/@]*@", "://") : url;
    }
  }
}

package io.github.shipmaven.git;

import io.github.shipmaven.core.Secrets;
import io.github.shipmaven.core.ShipException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefDatabase;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.RawParseUtils;
import org.jspecify.annotations.Nullable;

/** Reads {@link GitFacts} for a directory inside a git work tree. */
public final class GitReader {
  private static final int CHANGED_PATHS_SHOWN = 5;

  private final Map<String, String> env;
  private final Secrets secrets;

  /**
   * @param env the process environment, where CI systems name the branch of a detached HEAD
   */
  public GitReader(Map<String, String> env) {
    this(env, new Secrets());
  }

  /**
   * @param secrets where the credentials found in remote URLs are registered, so that no message
   *     quoting a raw URL (a JGit error, say) shows them
   */
  public GitReader(Map<String, String> env, Secrets secrets) {
    this.env = env;
    this.secrets = secrets;
  }

  public GitFacts read(Path directory) {
    JGitSetup.apply(env);
    FileRepositoryBuilder builder = new FileRepositoryBuilder();
    // git's own variables, read from the injected environment rather than the JVM's.
    String gitDir = env.getOrDefault("GIT_DIR", "");
    if (!gitDir.isBlank()) {
      try {
        builder.setGitDir(directory.resolve(gitDir).toFile());
      } catch (InvalidPathException e) {
        // A name the JVM's file name encoding (the locale's: ASCII under LANG=C) cannot hold.
        throw ShipException.config(
            "GIT_DIR is not a path this JVM can name ("
                + e.getReason()
                + ", file names in "
                + WorkTreeChanges.jvmNameCharset()
                + "): point it at the .git directory by a path in ASCII, or run with a UTF-8"
                + " locale (LANG=C.UTF-8).");
      }
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
    try (Repository repo = builder.setMustExist(true).build()) {
      String remote = remoteUrl(repo); // first: its credentials are then masked in any error
      Ref headRef = repo.exactRef(Constants.HEAD);
      ObjectId head = headRef == null ? null : headRef.getObjectId();
      if (head == null) {
        throw ShipException.config(
            "The git repository at "
                + repo.getDirectory()
                + " has no commits yet: commit first, the image is tagged with the commit sha.");
      }
      CiBranch.Found branch = branch(repo);
      HeadCommit commit = HeadCommit.read(repo, head);
      List<String> changed = TrackedChanges.of(repo, commit.tree());
      return new GitFacts(
          head.name(),
          branch == null ? null : branch.branch(),
          branch == null ? "none (detached HEAD, no CI branch variable)" : branch.source(),
          !changed.isEmpty(),
          changed.stream().limit(CHANGED_PATHS_SHOWN).toList(),
          exactTag(repo, head),
          remote,
          commit.committed());
    } catch (IOException | GitAPIException e) {
      throw ShipException.failed(
          "Could not read git repository " + builder.getGitDir() + ": " + e, e);
    }
  }

  /**
   * What the plugin needs of HEAD's commit, read from the commit object itself: JGit's RevWalk (and
   * {@code Repository.resolve}, which makes one) would load ~50 classes of graph walking into a
   * fresh JVM for two fields.
   *
   * @param tree its tree
   * @param committed when it was committed (the committer's time, not the author's)
   */
  record HeadCommit(ObjectId tree, Instant committed) {
    private static final byte[] TREE = "tree ".getBytes(StandardCharsets.US_ASCII);

    static HeadCommit read(Repository repo, ObjectId head) throws IOException {
      byte[] raw = repo.open(head, Constants.OBJ_COMMIT).getCachedBytes();
      int committer = RawParseUtils.committer(raw, 0);
      PersonIdent ident = committer < 0 ? null : RawParseUtils.parsePersonIdent(raw, committer);
      if (RawParseUtils.match(raw, 0, TREE) != TREE.length
          || raw.length < TREE.length + Constants.OBJECT_ID_STRING_LENGTH
          || ident == null) {
        throw new IOException("commit " + head.name() + " has no tree or no committer");
      }
      return new HeadCommit(ObjectId.fromString(raw, TREE.length), ident.getWhenAsInstant());
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

  /**
   * The exact tag at HEAD; of several, the highest version, the last that {@code git tag
   * --sort=v:refname --points-at HEAD} lists ({@code v1.10.0} over {@code v1.9.0}).
   */
  static @Nullable String exactTag(Repository repo, ObjectId head) throws IOException {
    RefDatabase refs = repo.getRefDatabase();
    List<String> tags = new ArrayList<>();
    for (Ref ref : refs.getRefsByPrefix(Constants.R_TAGS)) {
      // A clone's packed-refs carry each tag's peeled commit: thousands of annotated tags are then
      // compared without reading one tag object. Loose tags are peeled by reading theirs.
      Ref peeled = ref.isPeeled() ? ref : refs.peel(ref);
      ObjectId target =
          peeled.getPeeledObjectId() != null ? peeled.getPeeledObjectId() : peeled.getObjectId();
      if (head.equals(target)) {
        tags.add(ref.getName());
      }
    }
    if (tags.isEmpty()) {
      return null;
    }
    // git reads versionsort.suffix, else the older versionsort.prereleaseSuffix.
    Config config = repo.getConfig();
    String[] suffixes = config.getStringList("versionsort", null, "suffix");
    if (suffixes.length == 0) {
      suffixes = config.getStringList("versionsort", null, "prereleaseSuffix");
    }
    // Full names, as git compares them: a suffix is looked for from the same offsets.
    String highest = Collections.max(tags, new VersionOrder(List.of(suffixes)));
    return Repository.shortenRefName(highest);
  }

  /** The origin's URL (else the first remote's), without credentials: see {@link RemoteUrls}. */
  private @Nullable String remoteUrl(Repository repo) {
    Config config = repo.getConfig();
    // Every remote's credentials are masked, not only the one shown: any may reach a message.
    for (String remote : config.getSubsections("remote")) {
      for (String key : List.of("url", "pushurl")) {
        for (String url : config.getStringList("remote", remote, key)) {
          RemoteUrls.credentials(url).forEach(secrets::add);
        }
      }
    }
    String url = config.getString("remote", "origin", "url");
    if (url == null) {
      url =
          config.getSubsections("remote").stream()
              .map(name -> config.getString("remote", name, "url"))
              .filter(Objects::nonNull)
              .findFirst()
              .orElse(null);
    }
    return RemoteUrls.withoutCredentials(url);
  }
}

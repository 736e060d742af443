package io.github.shipmaven.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * The git repositories unit tests commit into, made with JGit: branch {@code main}, one fixed
 * author and time, never signed (a developer's {@code commit.gpgSign} must not reach the tests).
 * {@link TrackedChangesTest} uses the git CLI instead: it compares the plugin with git itself.
 */
public final class TestRepository {
  /** Every commit's author and committer time, so shas and labels are the same on every run. */
  public static final Instant COMMIT_TIME = Instant.parse("2025-03-04T05:06:07Z");

  private static final PersonIdent WHO =
      new PersonIdent("t", "t@example.invalid", COMMIT_TIME, ZoneOffset.UTC);

  private TestRepository() {}

  /** An empty repository in {@code dir} on branch {@code main}. */
  public static Git init(Path dir) throws GitAPIException {
    return Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
  }

  /** Stages everything in the work tree and commits it. */
  public static RevCommit commitAll(Git git, String message) throws GitAPIException {
    git.add().addFilepattern(".").call();
    return git.commit().setMessage(message).setAuthor(WHO).setCommitter(WHO).setSign(false).call();
  }

  /** A repository in {@code dir} whose one commit holds {@code files}; returns its sha. */
  public static String committed(Path dir, Map<String, String> files)
      throws GitAPIException, IOException {
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path path = dir.resolve(file.getKey());
      Files.createDirectories(path.getParent());
      Files.writeString(path, file.getValue());
    }
    try (Git git = init(dir)) {
      return commitAll(git, "first").name();
    }
  }
}

package io.github.shipmaven.git;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the build knows about the commit it ships.
 *
 * @param sha full 40-hex commit id of HEAD
 * @param branch the branch, from git or from the CI's environment on a detached HEAD; null if
 *     unknown
 * @param branchSource where {@code branch} came from, for {@code ship:info} and the debug log
 * @param dirty whether tracked files have uncommitted changes (untracked and ignored files do not
 *     count)
 * @param changedPaths up to a few of the changed tracked paths, for error messages
 * @param gitTag an exact tag at HEAD, or null
 * @param remoteUrl the origin remote with any credentials stripped, or null
 * @param commitTime the committer time of HEAD
 */
public record GitFacts(
    String sha,
    @Nullable String branch,
    String branchSource,
    boolean dirty,
    List<String> changedPaths,
    @Nullable String gitTag,
    @Nullable String remoteUrl,
    Instant commitTime) {

  /** The 7-character abbreviation of {@link #sha()}. */
  public String shortSha() {
    return sha.substring(0, 7);
  }
}

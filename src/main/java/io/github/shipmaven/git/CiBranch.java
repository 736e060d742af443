package io.github.shipmaven.git;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The branch a CI system is building, read from its environment. CI systems check out a detached
 * HEAD, where git itself only knows the sha; each CI is recognised by its own marker variable so
 * that a stray variable from another system is never taken as the branch.
 */
public final class CiBranch {

  /** A branch and the variable it came from. */
  public record Found(String branch, String source) {}

  private record Ci(String name, String marker, Function<Map<String, String>, Found> reader) {}

  private static final List<Ci> SYSTEMS =
      List.of(
          new Ci("CircleCI", "CIRCLECI", env -> first(env, "CircleCI", "CIRCLE_BRANCH")),
          new Ci("GitHub Actions", "GITHUB_ACTIONS", CiBranch::github),
          new Ci("GitLab CI", "GITLAB_CI", CiBranch::gitlab),
          new Ci("Jenkins", "JENKINS_URL", CiBranch::jenkins),
          new Ci("Azure Pipelines", "TF_BUILD", CiBranch::azure),
          new Ci("Bitbucket Pipelines", "BITBUCKET_BUILD_NUMBER", CiBranch::bitbucket),
          new Ci("Travis CI", "TRAVIS", CiBranch::travis),
          new Ci("AWS CodeBuild", "CODEBUILD_BUILD_ID", CiBranch::codebuild));

  /**
   * The branch variables the plugin's contract names, in its order: read when no CI's marker is set
   * (a CI not listed above, or a job that passes on only the branch variable). Where a marker is
   * set, only that CI's variables count.
   */
  private static final List<String> UNMARKED =
      List.of(
          "CIRCLE_BRANCH",
          "GITHUB_HEAD_REF",
          "GITHUB_REF_NAME",
          "CI_COMMIT_REF_NAME",
          "BRANCH_NAME",
          "GIT_BRANCH",
          "BUILD_SOURCEBRANCHNAME",
          "BITBUCKET_BRANCH",
          "TRAVIS_BRANCH");

  private CiBranch() {}

  /** The branch the CI says it builds, if a known CI is running and names one. */
  public static Optional<Found> detect(Map<String, String> env) {
    for (Ci ci : SYSTEMS) {
      if (!value(env, ci.marker()).isEmpty()) {
        return Optional.ofNullable(ci.reader().apply(env));
      }
    }
    for (String name : UNMARKED) {
      String v = value(env, name);
      if (!v.isEmpty()) {
        String branch = stripPrefix(v, "refs/heads/");
        if (name.equals("GIT_BRANCH")) {
          branch = stripPrefix(branch, "origin/"); // Jenkins' remote-tracking form
        }
        return Optional.of(new Found(branch, "env " + name + ", no CI marker variable set"));
      }
    }
    return Optional.empty();
  }

  private static @Nullable Found github(Map<String, String> env) {
    Found pullRequest = first(env, "GitHub Actions", "GITHUB_HEAD_REF");
    if (pullRequest != null) {
      return pullRequest;
    }
    String ref = value(env, "GITHUB_REF");
    if (ref.startsWith("refs/heads/")) {
      return new Found(ref.substring("refs/heads/".length()), "GitHub Actions GITHUB_REF");
    }
    // GITHUB_REF_NAME alone (GITHUB_REF unset, as a job may pass the context on): a branch unless
    // GITHUB_REF_TYPE says it is a tag.
    if (ref.isEmpty() && !"tag".equals(value(env, "GITHUB_REF_TYPE"))) {
      return first(env, "GitHub Actions", "GITHUB_REF_NAME");
    }
    return null; // a tag or pull-request merge ref is not a branch
  }

  private static @Nullable Found gitlab(Map<String, String> env) {
    Found mergeRequest = first(env, "GitLab CI", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME");
    if (mergeRequest != null) {
      return mergeRequest;
    }
    return value(env, "CI_COMMIT_TAG").isEmpty()
        ? first(env, "GitLab CI", "CI_COMMIT_BRANCH", "CI_COMMIT_REF_NAME")
        : null;
  }

  private static @Nullable Found jenkins(Map<String, String> env) {
    Found found = first(env, "Jenkins", "GIT_LOCAL_BRANCH", "BRANCH_NAME", "GIT_BRANCH");
    if (found == null) {
      return null;
    }
    String branch = stripPrefix(stripPrefix(found.branch(), "refs/heads/"), "origin/");
    return new Found(branch, found.source());
  }

  private static @Nullable Found azure(Map<String, String> env) {
    Found pullRequest = first(env, "Azure Pipelines", "SYSTEM_PULLREQUEST_SOURCEBRANCH");
    if (pullRequest != null) {
      return new Found(stripPrefix(pullRequest.branch(), "refs/heads/"), pullRequest.source());
    }
    String ref = value(env, "BUILD_SOURCEBRANCH");
    if (ref.startsWith("refs/heads/")) {
      return new Found(ref.substring("refs/heads/".length()), "Azure Pipelines BUILD_SOURCEBRANCH");
    }
    return ref.isEmpty() ? first(env, "Azure Pipelines", "BUILD_SOURCEBRANCHNAME") : null;
  }

  private static @Nullable Found bitbucket(Map<String, String> env) {
    return first(env, "Bitbucket Pipelines", "BITBUCKET_BRANCH");
  }

  private static @Nullable Found travis(Map<String, String> env) {
    if (!value(env, "TRAVIS_TAG").isEmpty()) {
      return null; // on a tag build TRAVIS_BRANCH holds the tag
    }
    return first(env, "Travis CI", "TRAVIS_PULL_REQUEST_BRANCH", "TRAVIS_BRANCH");
  }

  private static @Nullable Found codebuild(Map<String, String> env) {
    String ref = value(env, "CODEBUILD_WEBHOOK_HEAD_REF");
    return ref.startsWith("refs/heads/")
        ? new Found(
            ref.substring("refs/heads/".length()), "AWS CodeBuild CODEBUILD_WEBHOOK_HEAD_REF")
        : null;
  }

  private static @Nullable Found first(Map<String, String> env, String ci, String... names) {
    for (String name : names) {
      String v = value(env, name);
      if (!v.isEmpty()) {
        return new Found(v, ci + " " + name);
      }
    }
    return null;
  }

  private static String value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null ? "" : v.trim();
  }

  private static String stripPrefix(String s, String prefix) {
    return s.startsWith(prefix) ? s.substring(prefix.length()) : s;
  }
}

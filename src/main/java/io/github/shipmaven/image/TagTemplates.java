package io.github.shipmaven.image;

import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.git.GitFacts;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns tag templates such as {@code {sha}} or {@code {branch}-{shortSha}} into tags. A template
 * that needs {@code {gitTag}} is dropped when HEAD has no exact tag; two templates giving one tag
 * give it once; a dirty tree marks {@code {sha}}-based tags with {@code -dirty} so they never pose
 * as the commit.
 */
public final class TagTemplates {
  public static final List<String> DEFAULT = List.of("{sha}", "latest");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");
  private static final int MAX_TAG_LENGTH = 128;

  private TagTemplates() {}

  public static List<String> render(
      List<String> templates, GitFacts git, String version, ShipLog log) {
    Set<String> tags = new LinkedHashSet<>();
    for (String template : templates) {
      String tag = renderOne(template.trim(), git, version, log);
      if (tag != null) {
        tags.add(tag);
      }
    }
    if (tags.isEmpty()) {
      throw ShipException.config(
          "<tags> (ship.tags) gives no tag for this commit: add one that always applies, e.g. {sha}.");
    }
    return new ArrayList<>(tags);
  }

  private static String renderOne(String template, GitFacts git, String version, ShipLog log) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value =
          switch (m.group(1)) {
            case "sha" -> git.sha() + (git.dirty() ? "-dirty" : "");
            case "shortSha" -> git.shortSha() + (git.dirty() ? "-dirty" : "");
            case "version" -> sanitize(version, "version"); // 1.0+build5, as Maven allows
            case "branch" -> {
              if (git.branch() == null) {
                throw ShipException.config(
                    "<tags> template '"
                        + template
                        + "' uses {branch}, but the branch is unknown (detached HEAD and no CI branch"
                        + " variable): check out a branch or drop {branch} from <tags>.");
              }
              yield sanitizeBranch(git.branch());
            }
            case "gitTag" -> git.gitTag() == null ? null : sanitize(git.gitTag(), "tag");
            default ->
                throw ShipException.config(
                    "<tags> template '"
                        + template
                        + "' has unknown placeholder {"
                        + m.group(1)
                        + "}: use {sha}, {shortSha}, {branch}, {version} or {gitTag}.");
          };
      if (value == null) {
        log.info("Tag template '" + template + "' skipped: HEAD has no exact git tag.");
        return null;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    String tag = out.toString();
    if (!ImageReference.isValidTag(tag)) {
      throw ShipException.config(
          "<tags> template '"
              + template
              + "' gives '"
              + tag
              + "', not a valid tag: use letters, digits, '_', '.', '-' (not first), at most 128.");
    }
    return tag;
  }

  /** A branch name made valid as a tag: {@code feature/x} becomes {@code feature-x}. */
  public static String sanitizeBranch(String branch) {
    return sanitize(branch, "branch");
  }

  /**
   * A git name made valid as a tag: every character a tag cannot hold becomes {@code -} ({@code
   * release/1.0} → {@code release-1.0}, {@code app@1.2.3} → {@code app-1.2.3}, {@code v1.0+build} →
   * {@code v1.0-build}), leading {@code .} and {@code -} go, at most 128 characters stay.
   *
   * @param empty the tag when nothing is left
   */
  static String sanitize(String name, String empty) {
    String s = name.replaceAll("[^A-Za-z0-9_.-]", "-").replaceFirst("^[.-]+", "");
    if (s.length() > MAX_TAG_LENGTH) {
      s = s.substring(0, MAX_TAG_LENGTH);
    }
    return s.isEmpty() ? empty : s;
  }
}

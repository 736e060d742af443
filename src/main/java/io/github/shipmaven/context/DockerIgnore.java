package io.github.shipmaven.context;

import io.github.shipmaven.core.ShipException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code .dockerignore} exactly as the docker CLI reads and applies it (moby's {@code ignorefile}
 * and {@code patternmatcher}): comments only at the start of a line, trimmed lines, {@code
 * filepath.Clean} patterns with a leading {@code /} removed, {@code !} exceptions, the last
 * matching pattern wins, and a pattern that matches a parent directory matches everything below it.
 */
public final class DockerIgnore {
  private enum MatchType {
    EXACT,
    PREFIX,
    SUFFIX,
    REGEXP
  }

  private record Rule(String cleaned, boolean exclusion, MatchType type, Pattern regexp) {}

  private final List<Rule> rules;
  private final boolean hasExclusions;

  private DockerIgnore(List<Rule> rules) {
    this.rules = rules;
    this.hasExclusions = rules.stream().anyMatch(Rule::exclusion);
  }

  /** Parses the content of a {@code .dockerignore} file. */
  public static DockerIgnore parse(String content) {
    List<String> patterns = new ArrayList<>();
    String text = content.startsWith("\uFEFF") ? content.substring(1) : content;
    for (String line : text.split("\\r?\\n", -1)) {
      if (line.startsWith("#")) {
        continue;
      }
      String pattern = line.strip();
      if (pattern.isEmpty()) {
        continue;
      }
      boolean invert = pattern.charAt(0) == '!';
      if (invert) {
        pattern = pattern.substring(1).strip();
      }
      if (!pattern.isEmpty()) {
        pattern = clean(pattern);
        if (pattern.length() > 1 && pattern.charAt(0) == '/') {
          pattern = pattern.substring(1);
        }
      }
      patterns.add(invert ? "!" + pattern : pattern);
    }
    return of(patterns);
  }

  /** From patterns as the CLI passes them on (after reading, plus its own exceptions). */
  public static DockerIgnore of(List<String> patterns) {
    List<Rule> rules = new ArrayList<>();
    for (String raw : patterns) {
      String p = raw.strip();
      if (p.isEmpty()) {
        continue;
      }
      p = clean(p);
      boolean exclusion = false;
      if (p.charAt(0) == '!') {
        if (p.length() == 1) {
          throw ShipException.config(".dockerignore: illegal exclusion pattern \"!\": remove it.");
        }
        exclusion = true;
        p = p.substring(1);
      }
      rules.add(compile(p, exclusion));
    }
    return new DockerIgnore(rules);
  }

  /** With the CLI's exceptions: the Dockerfile and .dockerignore are always sent. */
  public DockerIgnore keeping(String dockerfilePath) {
    return keeping(dockerfilePath, true);
  }

  /**
   * As {@link #keeping(String)}, but the {@code .dockerignore} file is sent only if {@code
   * keepIgnoreFile} or it does not exclude itself.
   */
  public DockerIgnore keeping(String dockerfilePath, boolean keepIgnoreFile) {
    List<String> patterns = new ArrayList<>();
    for (Rule rule : rules) {
      patterns.add((rule.exclusion() ? "!" : "") + rule.cleaned());
    }
    if (keepIgnoreFile && excludes(".dockerignore")) {
      patterns.add("!.dockerignore");
    }
    if (excludes(dockerfilePath)) {
      patterns.add("!" + dockerfilePath);
    }
    return of(patterns);
  }

  /** Whether the path (relative, with {@code /}) is left out of the context. */
  public boolean excludes(String path) {
    boolean matched = false;
    String parent = parentOf(path);
    String[] parentDirs = parent.split("/");
    for (Rule rule : rules) {
      // Skip an inclusion once matched, and an exclusion while not matched.
      if (rule.exclusion() != matched) {
        continue;
      }
      boolean match = matches(rule, path);
      if (!match && !parent.equals(".")) {
        StringBuilder prefix = new StringBuilder();
        for (String dir : parentDirs) {
          prefix.append(prefix.isEmpty() ? "" : "/").append(dir);
          if (matches(rule, prefix.toString())) {
            match = true;
            break;
          }
        }
      }
      if (match) {
        matched = !rule.exclusion();
      }
    }
    return matched;
  }

  /**
   * Whether an excluded directory may be skipped without walking it: unless an exception pattern
   * starts with the directory's path, as the CLI decides.
   */
  public boolean canSkipDirectory(String directory) {
    if (!hasExclusions) {
      return true;
    }
    String dirSlash = directory + "/";
    return rules.stream()
        .filter(Rule::exclusion)
        .noneMatch(rule -> (rule.cleaned() + "/").startsWith(dirSlash));
  }

  private static boolean matches(Rule rule, String path) {
    String p = rule.cleaned();
    return switch (rule.type()) {
      case EXACT -> path.equals(p);
      case PREFIX -> path.startsWith(p.substring(0, p.length() - 2));
      case SUFFIX -> {
        String suffix = p.substring(2);
        yield path.endsWith(suffix)
            || (!suffix.isEmpty() && suffix.charAt(0) == '/' && path.equals(suffix.substring(1)));
      }
      case REGEXP -> rule.regexp().matcher(path).matches();
    };
  }

  /** moby's pattern compiler, character by character. */
  private static Rule compile(String pattern, boolean exclusion) {
    StringBuilder regex = new StringBuilder("^");
    MatchType type = MatchType.EXACT;
    int[] cps = pattern.codePoints().toArray();
    for (int i = 0, index = 0; i < cps.length; i++, index++) {
      int ch = cps[i];
      if (ch == '*') {
        if (i + 1 < cps.length && cps[i + 1] == '*') {
          i++;
          if (i + 1 < cps.length && cps[i + 1] == '/') {
            i++; // "**/" is "**"
          }
          if (i + 1 >= cps.length) {
            if (type == MatchType.EXACT) {
              type = MatchType.PREFIX;
            } else {
              regex.append(".*");
              type = MatchType.REGEXP;
            }
          } else {
            regex.append("(.*/)?");
            type = MatchType.REGEXP;
          }
          if (index == 0) {
            type = MatchType.SUFFIX;
          }
        } else {
          regex.append("[^/]*");
          type = MatchType.REGEXP;
        }
      } else if (ch == '?') {
        regex.append("[^/]");
        type = MatchType.REGEXP;
      } else if (".+()|{}$".indexOf(ch) >= 0) {
        regex.append('\\').appendCodePoint(ch);
      } else if (ch == '\\') {
        if (i + 1 < cps.length) {
          i++;
          regex.append('\\').appendCodePoint(cps[i]);
          type = MatchType.REGEXP;
        } else {
          regex.append("\\\\");
        }
      } else if (ch == '[' || ch == ']') {
        regex.appendCodePoint(ch);
        type = MatchType.REGEXP;
      } else {
        regex.appendCodePoint(ch);
      }
    }
    regex.append('$');
    Pattern compiled;
    try {
      compiled = type == MatchType.REGEXP ? Pattern.compile(regex.toString()) : null;
    } catch (java.util.regex.PatternSyntaxException e) {
      throw ShipException.config(
          ".dockerignore: pattern '" + pattern + "' is malformed: fix or remove it.");
    }
    return new Rule(pattern, exclusion, type, compiled);
  }

  /** Go's {@code filepath.Clean} for slash-separated paths. */
  static String clean(String path) {
    if (path.isEmpty()) {
      return ".";
    }
    boolean rooted = path.startsWith("/");
    Deque<String> parts = new ArrayDeque<>();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!parts.isEmpty() && !parts.peekLast().equals("..")) {
          parts.removeLast();
        } else if (!rooted) {
          parts.addLast("..");
        }
      } else {
        parts.addLast(part);
      }
    }
    String joined = String.join("/", parts);
    if (rooted) {
      return "/" + joined;
    }
    return joined.isEmpty() ? "." : joined;
  }

  /** Go's {@code filepath.Dir}. */
  private static String parentOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "." : clean(path.substring(0, slash));
  }
}

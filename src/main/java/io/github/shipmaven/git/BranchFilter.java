package io.github.shipmaven.git;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code <branches>} globs that allow push and deploy: {@code *} matches within one path
 * segment, {@code **} across segments, {@code ?} one character. No patterns allow every branch.
 */
public final class BranchFilter {
  private final List<String> globs;
  private final List<Pattern> patterns;

  public BranchFilter(List<String> globs) {
    this.globs =
        globs == null
            ? List.of()
            : globs.stream().map(String::trim).filter(g -> !g.isEmpty()).toList();
    this.patterns = this.globs.stream().map(BranchFilter::toRegex).toList();
  }

  /** Whether {@code branch} (null when unknown) may be pushed and deployed. */
  public boolean allows(String branch) {
    if (patterns.isEmpty()) {
      return true;
    }
    return branch != null && patterns.stream().anyMatch(p -> p.matcher(branch).matches());
  }

  /** The patterns as written, for messages. */
  public String describe() {
    return globs.isEmpty() ? "every branch" : String.join(", ", globs);
  }

  private static Pattern toRegex(String glob) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        regex.append(".*");
        i++;
      } else if (c == '*') {
        regex.append("[^/]*");
      } else if (c == '?') {
        regex.append("[^/]");
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }
}

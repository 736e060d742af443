package io.github.shipmaven.context;

/**
 * Go's {@code path/filepath.Match} for one path element, which BuildKit's file sync uses to match
 * {@code followpaths} and include patterns element by element: {@code *} any run of characters but
 * {@code /}, {@code ?} one, {@code [a-z]}/{@code [^a-z]} classes, {@code \} escapes. A malformed
 * pattern matches nothing (Go reports ErrBadPattern, and fsutil skips the path).
 */
final class GoPath {
  private GoPath() {}

  static boolean match(String pattern, String name) {
    try {
      return match(pattern, 0, name, 0);
    } catch (IllegalArgumentException badPattern) {
      return false;
    }
  }

  private static boolean match(String p, int pi, String s, int si) {
    while (pi < p.length()) {
      char c = p.charAt(pi);
      if (c == '*') {
        while (pi < p.length() && p.charAt(pi) == '*') {
          pi++;
        }
        for (int k = si; k <= s.length(); k++) {
          if (match(p, pi, s, k)) {
            return true;
          }
          if (k < s.length() && s.charAt(k) == '/') {
            return false;
          }
        }
        return false;
      }
      if (si >= s.length()) {
        return false;
      }
      char ch = s.charAt(si);
      if (c == '?') {
        if (ch == '/') {
          return false;
        }
        pi++;
      } else if (c == '[') {
        int end = classEnd(p, pi);
        if (!inClass(p, pi + 1, end, ch) || ch == '/') {
          return false;
        }
        pi = end + 1;
      } else {
        if (c == '\\') {
          pi++;
          if (pi >= p.length()) {
            throw new IllegalArgumentException("trailing backslash");
          }
          c = p.charAt(pi);
        }
        if (c != ch) {
          return false;
        }
        pi++;
      }
      si++;
    }
    return si == s.length();
  }

  /** The index of the {@code ]} closing the class that opens at {@code start}. */
  private static int classEnd(String p, int start) {
    int i = start + 1;
    if (i < p.length() && p.charAt(i) == '^') {
      i++;
    }
    boolean first = true;
    while (i < p.length()) {
      char c = p.charAt(i);
      if (c == ']' && !first) {
        return i;
      }
      if (c == '\\') {
        i++;
      }
      first = false;
      i++;
    }
    throw new IllegalArgumentException("unterminated class");
  }

  private static boolean inClass(String p, int from, int end, char ch) {
    boolean negated = from < end && p.charAt(from) == '^';
    int i = negated ? from + 1 : from;
    boolean matched = false;
    while (i < end) {
      char lo = p.charAt(i);
      if (lo == '\\') {
        lo = p.charAt(++i);
      }
      char hi = lo;
      if (i + 2 < end && p.charAt(i + 1) == '-') {
        hi = p.charAt(i + 2);
        if (hi == '\\') {
          hi = p.charAt(i + 3);
          i++;
        }
        i += 2;
      }
      if (lo <= ch && ch <= hi) {
        matched = true;
      }
      i++;
    }
    return matched != negated;
  }
}

package io.github.shipmaven.git;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;

/**
 * Tag names in the order of {@code git tag --sort=v:refname}: git's versioncmp.c (glibc's
 * strverscmp over the names' bytes, so {@code v1.9.0 < v1.10.0}), with the prerelease suffixes of
 * {@code versionsort.suffix} sorted before the release, as git sorts them when it is set.
 */
final class VersionOrder implements Comparator<String> {
  private static final int S_N = 0; // normal
  private static final int S_I = 1; // comparing an integral part
  private static final int S_F = 2; // comparing a fractional part (leading zeros)
  private static final int S_Z = 3; // the same, with only zeros so far
  private static final int CMP = 2;
  private static final int LEN = 3;

  /** The next state, by state (rows) and the next byte: other, 1-9, '0' (columns). */
  private static final int[][] NEXT_STATE = {
    {S_N, S_I, S_Z}, // S_N
    {S_N, S_I, S_I}, // S_I
    {S_N, S_F, S_F}, // S_F
    {S_N, S_F, S_Z} // S_Z
  };

  /**
   * What decides, by state (rows) and the two differing bytes (columns: x/x x/d x/0 d/x d/d d/0 0/x
   * 0/d 0/0, x other, d 1-9): CMP their difference, LEN the longer digit run, or the result.
   */
  private static final int[][] RESULT_TYPE = {
    {CMP, CMP, CMP, CMP, LEN, CMP, CMP, CMP, CMP}, // S_N
    {CMP, -1, -1, +1, LEN, LEN, +1, LEN, LEN}, // S_I
    {CMP, CMP, CMP, CMP, CMP, CMP, CMP, CMP, CMP}, // S_F
    {CMP, +1, +1, -1, CMP, CMP, -1, CMP, CMP} // S_Z
  };

  private final List<byte[]> prereleases;

  /**
   * @param prereleaseSuffixes {@code versionsort.suffix}, in the config's order
   */
  VersionOrder(List<String> prereleaseSuffixes) {
    this.prereleases =
        prereleaseSuffixes.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
  }

  @Override
  public int compare(String a, String b) {
    return Integer.signum(
        versioncmp(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
  }

  private int versioncmp(byte[] s1, byte[] s2) {
    int p1 = 0;
    int p2 = 0;
    int c1 = at(s1, p1++);
    int c2 = at(s2, p2++);
    int state = S_N;
    int kind = kind(c1);
    int diff;
    while ((diff = c1 - c2) == 0) {
      if (c1 == 0) {
        return 0;
      }
      state = NEXT_STATE[state][kind];
      c1 = at(s1, p1++);
      c2 = at(s2, p2++);
      kind = kind(c1);
    }
    if (!prereleases.isEmpty()) {
      int swapped = swapPrereleases(s1, s2, p1 - 1);
      if (swapped != 0) {
        return swapped;
      }
    }
    int result = RESULT_TYPE[state][kind * 3 + kind(c2)];
    if (result == CMP) {
      return diff;
    }
    if (result == LEN) {
      while (isDigit(at(s1, p1++))) {
        if (!isDigit(at(s2, p2++))) {
          return 1;
        }
      }
      return isDigit(at(s2, p2)) ? -1 : diff;
    }
    return result;
  }

  /**
   * git's swap_prereleases: when a name holds a prerelease suffix around the first difference
   * ({@code off}: containing it, or ending right before it), the suffixes decide: their order in
   * the config when both names hold a different one, else the name with one comes first. A name
   * holding several is ranked by the one starting earliest, then the longest. 0: no decision.
   */
  private int swapPrereleases(byte[] s1, byte[] s2, int off) {
    int[] match1 = {-1, off, -1}; // position in the config, start, length
    int[] match2 = {-1, off, -1};
    for (int i = 0; i < prereleases.size(); i++) {
      byte[] suffix = prereleases.get(i);
      int start = suffix.length < off ? off - suffix.length : 0;
      betterMatch(s1, suffix, start, i, match1);
      betterMatch(s2, suffix, start, i, match2);
    }
    if (match1[0] == match2[0]) {
      return 0; // neither, or the same suffix in both: the rest of the names decides
    }
    if (match1[0] >= 0 && match2[0] >= 0) {
      return match1[0] - match2[0];
    }
    return match1[0] >= 0 ? -1 : 1;
  }

  /** A better match of a suffix starts earlier, or at the same offset but is longer. */
  private static void betterMatch(
      byte[] name, byte[] suffix, int start, int position, int[] match) {
    int end = match[2] < suffix.length ? match[1] : match[1] - 1;
    for (int i = start; i <= end; i++) {
      if (startsWith(name, i, suffix)) {
        match[0] = position;
        match[1] = i;
        match[2] = suffix.length;
        return;
      }
    }
  }

  private static boolean startsWith(byte[] s, int start, byte[] prefix) {
    if (start + prefix.length > s.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (s[start + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** The byte at {@code p}, unsigned; 0 past the end, as C's terminating NUL. */
  private static int at(byte[] s, int p) {
    return p < s.length ? s[p] & 0xff : 0;
  }

  /** 0 for a non-digit, 1 for 1-9, 2 for '0': the column offsets of the tables. */
  private static int kind(int c) {
    return c == '0' ? 2 : isDigit(c) ? 1 : 0;
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }
}

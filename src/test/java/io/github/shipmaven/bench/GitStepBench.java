package io.github.shipmaven.bench;

import io.github.shipmaven.git.GitFacts;
import io.github.shipmaven.git.GitReader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Times the plugin's git step ({@link GitReader#read}) on a repository, in one JVM: the first call
 * (cold, as in a build) and the steady state, the median of the last half of the runs (the calls
 * before it warm the JIT up). Used by bench/git-step.sh.
 */
public final class GitStepBench {
  public static void main(String[] args) {
    Path repo = Path.of(args[0]);
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    long[] millis = new long[runs];
    GitFacts facts = null;
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      facts = new GitReader(System.getenv()).read(repo);
      millis[i] = (System.nanoTime() - start) / 1_000_000;
    }
    long first = millis[0];
    long[] warm = Arrays.copyOfRange(millis, runs / 2, runs);
    Arrays.sort(warm);
    System.out.printf(
        "ship git step: first %d ms, warm median %d ms (sha %s, branch %s, dirty %s)%n",
        first, warm[warm.length / 2], facts.shortSha(), facts.branch(), facts.dirty());
  }
}

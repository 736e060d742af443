package io.github.shipmaven.bench;

import io.github.shipmaven.git.GitFacts;
import io.github.shipmaven.git.GitReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Times the plugin's git step ({@link GitReader#read}) on a repository, in one JVM: the first call
 * (cold, as in a build) and the steady state, the median of the last half of the runs (the calls
 * before it warm the JIT up). With {@code --native}, native git's {@code rev-parse HEAD} and {@code
 * status --porcelain --untracked-files=no} run before each call, and their median over the same
 * half is printed with the ratio: both then see the same load. Used by bench/git-step.sh.
 */
public final class GitStepBench {
  public static void main(String[] args) throws IOException, InterruptedException {
    Path repo = Path.of(args[0]);
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    boolean alternate = args.length > 2 && args[2].equals("--native");
    long[] millis = new long[runs];
    long[] nativeMillis = new long[runs];
    GitFacts facts = null;
    for (int i = 0; i < runs; i++) {
      if (alternate) {
        long start = System.nanoTime();
        git(repo, "rev-parse", "HEAD");
        git(repo, "status", "--porcelain", "--untracked-files=no");
        nativeMillis[i] = (System.nanoTime() - start) / 1_000_000;
      }
      long start = System.nanoTime();
      facts = new GitReader(System.getenv()).read(repo);
      millis[i] = (System.nanoTime() - start) / 1_000_000;
    }
    long warm = warmMedian(millis);
    System.out.printf(
        "ship git step: first %d ms, warm median %d ms (sha %s, branch %s, dirty %s)%n",
        millis[0], warm, facts.shortSha(), facts.branch(), facts.dirty());
    if (alternate) {
      long nativeWarm = warmMedian(nativeMillis);
      System.out.printf(
          "native git, alternating with it: median %d ms; ship warm / native %.2fx%n",
          nativeWarm, (double) warm / nativeWarm);
    }
  }

  private static long warmMedian(long[] millis) {
    long[] warm = Arrays.copyOfRange(millis, millis.length / 2, millis.length);
    Arrays.sort(warm);
    return warm[warm.length / 2];
  }

  private static void git(Path repo, String... args) throws IOException, InterruptedException {
    String[] command = new String[args.length + 3];
    command[0] = "git";
    command[1] = "-C";
    command[2] = repo.toString();
    System.arraycopy(args, 0, command, 3, args.length);
    Process git =
        new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (git.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed");
    }
  }
}

package io.github.shipmaven.core;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Finds programs the way a shell does, on the injected environment's PATH. */
public final class Executables {
  private Executables() {}

  /**
   * The first executable {@code program} on {@code env}'s PATH; relative entries count from here.
   */
  public static Optional<Path> onPath(Map<String, String> env, String program) {
    for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir).toAbsolutePath().resolve(program);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }
}

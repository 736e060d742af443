package io.github.shipmaven.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/** Appends markdown to GitHub Actions' job summary when the build runs there. */
public final class StepSummary {
  private StepSummary() {}

  public static void append(Map<String, String> env, String markdown, ShipLog log) {
    String file = env.getOrDefault("GITHUB_STEP_SUMMARY", "");
    if (file.isBlank()) {
      return;
    }
    try {
      Files.writeString(
          Path.of(file),
          markdown.endsWith("\n") ? markdown : markdown + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      log.warn("Could not append to GITHUB_STEP_SUMMARY " + file + ": " + e.getMessage());
    }
  }
}

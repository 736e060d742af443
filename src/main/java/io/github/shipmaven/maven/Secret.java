package io.github.shipmaven.maven;

import java.io.File;

/**
 * One {@code <secret>} of ship:build's {@code <secrets>}: an {@code <id>} and exactly one source,
 * {@code <env>} (the name of an environment variable holding the value) or {@code <file>} (a file
 * whose content is the value). It names where the value is, never the value: Maven's {@code -X}
 * prints parameters.
 */
public class Secret {
  /** What {@code RUN --mount=type=secret,id=…} names. */
  String id;

  /** The environment variable holding the value. */
  String env;

  /** The file holding the value; relative to the project's directory. */
  File file;

  @Override
  public String toString() {
    return "Secret[id=" + id + ", " + (env != null ? "env " + env : "file " + file) + "]";
  }
}

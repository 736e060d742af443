package io.github.shipmaven.maven;

import io.github.shipmaven.core.Secrets;

/**
 * A copy of a cause chain with secrets masked in every message, keeping the stack traces: Maven
 * prints causes with {@code -e} and {@code -X}, and a library's message may quote a URL or a
 * header.
 */
final class RedactedException extends Exception {
  private RedactedException(Throwable original, Secrets secrets) {
    super(
        original.getClass().getName()
            + (original.getMessage() == null ? "" : ": " + secrets.redact(original.getMessage())),
        original.getCause() == null || original.getCause() == original
            ? null
            : new RedactedException(original.getCause(), secrets));
    setStackTrace(original.getStackTrace());
  }

  static RedactedException of(Throwable original, Secrets secrets) {
    return original == null ? null : new RedactedException(original, secrets);
  }

  @Override
  public String toString() {
    return getMessage();
  }
}

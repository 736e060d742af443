package io.github.shipmaven.core;

/**
 * The one exception the core throws. {@link Kind#CONFIG} means the user must change something (a
 * POM element, a variable, a credential); {@link Kind#RUNTIME} means something failed while
 * running. Messages are one line that names the element or variable and the fix, and never carry a
 * secret.
 */
public final class ShipException extends RuntimeException {

  /** Whether the user must change their input, or a step failed at run time. */
  public enum Kind {
    CONFIG,
    RUNTIME
  }

  private final Kind kind;

  private ShipException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** Bad input: the message names the POM element or variable and the fix. */
  public static ShipException config(String message) {
    return new ShipException(Kind.CONFIG, message, null);
  }

  /** A step failed at run time. */
  public static ShipException failed(String message) {
    return new ShipException(Kind.RUNTIME, message, null);
  }

  /** A step failed at run time because of {@code cause}. */
  public static ShipException failed(String message, Throwable cause) {
    return new ShipException(Kind.RUNTIME, message, cause);
  }

  public Kind kind() {
    return kind;
  }
}

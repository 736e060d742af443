package io.github.shipmaven.buildkit;

/**
 * Ends a gRPC call with a status other than OK; the code and message go to BuildKit in the call's
 * trailers ({@code grpc-status}, {@code grpc-message}) and often into its error line.
 */
public final class GrpcException extends Exception {
  public static final int CANCELLED = 1;
  public static final int UNKNOWN = 2;
  public static final int INVALID_ARGUMENT = 3;
  public static final int NOT_FOUND = 5;
  public static final int PERMISSION_DENIED = 7;
  public static final int RESOURCE_EXHAUSTED = 8;
  public static final int UNIMPLEMENTED = 12;
  public static final int INTERNAL = 13;
  public static final int UNAVAILABLE = 14;

  private final int code;

  public GrpcException(int code, String message) {
    super(message);
    this.code = code;
  }

  /** The gRPC status code. */
  public int code() {
    return code;
  }
}

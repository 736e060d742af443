package io.github.shipmaven.buildkit;

import java.io.IOException;

/**
 * One gRPC method the session serves, e.g. {@code /grpc.health.v1.Health/Check}. The session lists
 * every method's path to the daemon when it opens ({@code X-Docker-Expose-Session-Grpc-Method}),
 * and BuildKit calls only those.
 *
 * @param path {@code /<package>.<Service>/<Method>}
 * @param handler serves each call, on a thread of its own
 */
public record GrpcMethod(String path, Handler handler) {

  /** Serves one call: reads requests and writes responses; returning ends it OK. */
  @FunctionalInterface
  public interface Handler {
    /**
     * @throws GrpcException to end the call with that status
     * @throws IOException when the call broke (the peer reset it, the session closed)
     */
    void serve(GrpcCall call) throws GrpcException, IOException;
  }
}

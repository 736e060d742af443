package io.github.shipmaven.buildkit;

import io.github.shipmaven.core.Secrets;
import io.github.shipmaven.core.ShipLog;
import java.io.IOException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code moby.buildkit.secrets.v1.Secrets/GetSecret} ({@code session/secrets/secrets.proto}):
 * {@code GetSecretRequest {string ID = 1; map<string,string> annotations = 2}} answered with {@code
 * GetSecretResponse {bytes data = 1}}. A declared id gets its value, read now; any other id gets
 * NOT_FOUND, as from the docker CLI, so BuildKit fails a {@code required} mount in its own words
 * and leaves out an optional one. (Docker 28 asks for {@code HTTP_AUTH_HEADER_…} and {@code
 * HTTP_AUTH_TOKEN_…} ids for its own use: they are undeclared like any other.)
 */
final class SecretsService {
  static final String GET_SECRET = "/moby.buildkit.secrets.v1.Secrets/GetSecret";

  /** BuildKit's error for a missing required secret: 20.10 and 28.5 word it differently. */
  private static final Pattern MISSING =
      Pattern.compile("secret ([^\\s:]+)(?: not found)?: not found");

  private final BuildSecrets secrets;
  private final Secrets masks;
  private final ShipLog log;

  SecretsService(BuildSecrets secrets, Secrets masks, ShipLog log) {
    this.secrets = secrets;
    this.masks = masks;
    this.log = log;
  }

  GrpcMethod method() {
    return new GrpcMethod(GET_SECRET, call -> serve(Messages.of(call)));
  }

  void serve(Messages call) throws IOException, GrpcException {
    String id = Messages.stringField(Messages.request(call), 1);
    Optional<byte[]> value;
    try {
      value = secrets.read(id, masks);
    } catch (BuildSecrets.ValueException e) {
      log.warn(e.getMessage() + ": the build cannot have it.");
      throw new GrpcException(GrpcException.UNKNOWN, e.getMessage());
    }
    if (value.isEmpty()) {
      log.debug("BuildKit asked for secret '" + id + "', which <secrets> does not declare");
      throw new GrpcException(GrpcException.NOT_FOUND, "not found");
    }
    byte[] data = value.get();
    log.debug(
        "BuildKit asked for secret '"
            + id
            + "': "
            + data.length
            + " bytes from "
            + secrets.source(id).map(BuildSecrets.Source::describe).orElse("?"));
    call.write(new ProtoWire.Writer().bytes(1, data).toByteArray());
  }

  /**
   * The one line for a build that failed because a required secret is not declared, or null if
   * {@code error} is not that.
   *
   * @param where e.g. {@code docker build failed in step [2/3] RUN …}
   */
  static @Nullable String missingSecret(String where, String error) {
    Matcher m = MISSING.matcher(error);
    if (!m.find()) {
      return null;
    }
    String id = m.group(1);
    return where
        + ": the Dockerfile needs secret '"
        + id
        + "' (BuildKit: "
        + m.group()
        + "), which <secrets> does not declare: add <secret><id>"
        + id
        + "</id><env>VARIABLE</env></secret> (or <file>path</file>) to <secrets>, or mount it"
        + " with required=false.";
  }
}

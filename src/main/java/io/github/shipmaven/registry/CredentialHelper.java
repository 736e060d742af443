package io.github.shipmaven.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.shipmaven.core.Executables;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a docker credential helper the way the docker CLI does: {@code docker-credential-<name>
 * get}, the server URL on stdin, {@code {"ServerURL","Username","Secret"}} on stdout. Its output is
 * never echoed: it holds the secret.
 */
final class CredentialHelper {
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String IDENTITY_TOKEN_USER = "<token>";

  private final Map<String, String> env;
  private final ShipLog log;
  private final Duration timeout;

  CredentialHelper(Map<String, String> env, ShipLog log, Duration timeout) {
    this.env = env;
    this.log = log;
    this.timeout = timeout;
  }

  /**
   * The login the helper holds for {@code serverUrl}; empty when it has none or is not installed.
   *
   * @param source how to name the helper in messages, e.g. {@code credential helper 'pass'}
   */
  Optional<RegistryCredentials> get(String name, String serverUrl, String source) {
    String program = "docker-credential-" + name;
    Path executable = Executables.onPath(env, program).orElse(null);
    if (executable == null) {
      log.warn(program + " (" + source + ") is not on PATH; trying the next credential source.");
      return Optional.empty();
    }
    byte[] output = run(executable, serverUrl, source);
    if (output == null) {
      return Optional.empty();
    }
    JsonNode json;
    try {
      json = new ObjectMapper().readTree(output);
    } catch (IOException e) {
      json = null;
    }
    if (json == null || !json.path("Secret").isTextual()) {
      throw ShipException.config(
          source
              + " ("
              + program
              + ") answered something that is not credentials JSON for "
              + serverUrl
              + ": check the helper.");
    }
    String username = json.path("Username").asText("");
    boolean token = username.equals(IDENTITY_TOKEN_USER);
    return Optional.of(
        new RegistryCredentials(
            token ? null : username, json.path("Secret").asText(), token, source));
  }

  /** stdout of a successful {@code get}; null for "credentials not found". */
  private byte[] run(Path executable, String serverUrl, String source) {
    ProcessBuilder builder = new ProcessBuilder(executable.toString(), "get");
    builder.environment().clear();
    builder.environment().putAll(env);
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw ShipException.config(
          source + " (" + executable + ") cannot be started: " + e.getMessage());
    }
    CompletableFuture<byte[]> stdout =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return process.getInputStream().readAllBytes();
              } catch (IOException e) {
                return new byte[0];
              }
            });
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write((serverUrl + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // a helper that does not read stdin may close it early; its answer decides
    }
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw ShipException.config(
            source
                + " did not answer within "
                + timeout.toSeconds()
                + " s and was stopped: check the helper (is it waiting for a login or a GPG passphrase?).");
      }
      byte[] output = stdout.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (process.exitValue() == 0) {
        return output;
      }
      if (new String(output, StandardCharsets.UTF_8)
          .toLowerCase()
          .contains("credentials not found")) {
        return null;
      }
      throw ShipException.config(
          source
              + " failed (exit "
              + process.exitValue()
              + ") for "
              + serverUrl
              + ": run `docker-credential-… get` by hand to see why.");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw ShipException.failed("Interrupted while asking " + source + ".", e);
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      throw ShipException.config(source + " did not answer: check the helper.");
    }
  }
}

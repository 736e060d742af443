package io.github.shipmaven.docker;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What a failed push or pull means, from the daemon's own words: an image the daemon does not have,
 * a refused login (neither is retried), a transient failure (retried with backoff: pushing is
 * content-addressed and safe to repeat), or anything else (fails at once). One table, first match
 * wins; its patterns cover Docker's and Podman's wordings (see {@code
 * src/test/resources/daemon-streams/README.md}). A stalled push and a daemon connection cut
 * mid-push are transient too; the pusher knows those without words.
 */
final class RegistryFailures {
  enum Kind {
    NOT_IN_DAEMON,
    LOGIN_REFUSED,
    TRANSIENT,
    PERMANENT
  }

  private record Rule(Kind kind, Pattern words) {}

  private static final List<Rule> RULES =
      List.of(
          // Docker 20.10, Docker 29, Podman: the image to push was never built or tagged here.
          rule(
              Kind.NOT_IN_DAEMON,
              "does not exist locally with the tag|tag does not exist|image not known"),
          rule(
              Kind.LOGIN_REFUSED,
              "unauthorized|authentication required|no basic auth credentials|\\bdenied\\b"
                  + "|forbidden|incorrect username or password|invalid username/password"
                  + "|\\b40[13]\\b"),
          // Any 5xx of the registry: "received unexpected HTTP status: 500 Internal Server Error"
          rule(Kind.TRANSIENT, "\\b5[0-9]{2}\\b"),
          rule(Kind.TRANSIENT, "toomanyrequests|too many requests|\\b429\\b"),
          // Go words one timeout several ways: "Client.Timeout exceeded while awaiting headers",
          // "context deadline exceeded", "i/o timeout", "TLS handshake timeout".
          rule(Kind.TRANSIENT, "timeout|timed out|deadline exceeded"),
          rule(
              Kind.TRANSIENT,
              "connection reset|broken pipe|\\bEOF\\b|closed network connection|server closed"
                  + "|connection refused|GOAWAY|temporarily unavailable|no route to host"
                  + "|network is unreachable"));

  private RegistryFailures() {}

  private static Rule rule(Kind kind, String words) {
    return new Rule(kind, Pattern.compile(words, Pattern.CASE_INSENSITIVE));
  }

  static Kind classify(String message) {
    for (Rule rule : RULES) {
      if (rule.words().matcher(message).find()) {
        return rule.kind();
      }
    }
    return Kind.PERMANENT;
  }
}

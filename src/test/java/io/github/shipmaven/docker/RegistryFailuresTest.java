package io.github.shipmaven.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.shipmaven.docker.RegistryFailures.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The failure table against the daemons' own words, as captured in
 * src/test/resources/daemon-streams/README.md (Docker 20.10, Podman 4.3; Docker 29 from its
 * sources).
 */
class RegistryFailuresTest {

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          docker   | NOT_IN_DAEMON | An image does not exist locally with the tag: 127.0.0.1:5000/daemon-streams/never-built
          docker29 | NOT_IN_DAEMON | tag does not exist: 127.0.0.1:5000/daemon-streams/never-built:1.0.0
          podman   | NOT_IN_DAEMON | failed to find image 127.0.0.1:5000/x:1.0.0: 127.0.0.1:5000/x:1.0.0: image not known
          docker   | LOGIN_REFUSED | unauthorized: authentication required
          docker   | LOGIN_REFUSED | no basic auth credentials
          docker   | LOGIN_REFUSED | denied: requested access to the resource is denied
          podman   | LOGIN_REFUSED | trying to reuse blob sha256:44356b at destination: checking whether a blob sha256:44356b exists in 127.0.0.1:5000/daemon-streams/podman: unauthorized: authentication required
          docker   | TRANSIENT     | received unexpected HTTP status: 500 Internal Server Error
          docker   | TRANSIENT     | received unexpected HTTP status: 502 Bad Gateway
          podman   | TRANSIENT     | trying to reuse blob sha256:44356b at destination: pinging container registry 127.0.0.1:5991: invalid status code from registry 500 (Internal Server Error)
          podman   | TRANSIENT     | writing blob: initiating layer upload to /v2/daemon-streams/podman/blobs/uploads/ in 127.0.0.1:5992: received unexpected HTTP status: 500 Internal Server Error
          docker   | TRANSIENT     | toomanyrequests: You have reached your pull rate limit.
          docker   | TRANSIENT     | Get "http://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused
          podman   | TRANSIENT     | trying to reuse blob sha256:44356b at destination: pinging container registry 127.0.0.1:5999: Get "http://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused
          docker   | TRANSIENT     | EOF
          podman   | TRANSIENT     | writing blob: Post "http://127.0.0.1:5994/v2/daemon-streams/podman/blobs/uploads/": EOF
          docker   | TRANSIENT     | read tcp 127.0.0.1:43778->127.0.0.1:5995: read: connection reset by peer
          docker   | TRANSIENT     | net/http: HTTP/1.x transport connection broken: write tcp 127.0.0.1:48028->127.0.0.1:5995: write: connection reset by peer
          podman   | TRANSIENT     | writing blob: Patch "http://127.0.0.1:5995/v2/x/blobs/uploads/u": write tcp 127.0.0.1:47012->127.0.0.1:5995: use of closed network connection
          docker   | TRANSIENT     | Get "http://127.0.0.1:5996/v2/": net/http: request canceled (Client.Timeout exceeded while awaiting headers)
          docker   | TRANSIENT     | Put "https://registry.example/v2/x/manifests/1": context deadline exceeded
          podman   | TRANSIENT     | trying to reuse blob sha256:44356b at destination: pinging container registry 127.0.0.1:5998: Get "https://127.0.0.1:5998/v2/": net/http: TLS handshake timeout
          docker   | TRANSIENT     | dial tcp 192.0.2.1:443: i/o timeout
          docker   | TRANSIENT     | write tcp 127.0.0.1:1->127.0.0.1:2: write: broken pipe
          docker   | PERMANENT     | manifest invalid: manifest invalid
          docker   | PERMANENT     | name unknown: repository name not known to registry
          docker29 | PERMANENT     | content digest sha256:e02d9544606fc3d6d0599088960837bcb32518e0c91cdcc2600feda56b76ee49: not found
          podman   | PERMANENT     | trying to reuse blob sha256:44356b at destination: pinging container registry 127.0.0.1:5997: Get "https://127.0.0.1:5997/v2/": tls: first record does not look like a TLS handshake
          docker   | PERMANENT     | Get "https://registry.example/v2/": dial tcp: lookup registry.example: no such host
          """)
  void classifiesTheDaemonsWords(String engine, Kind kind, String message) {
    assertThat(RegistryFailures.classify(message)).isEqualTo(kind);
  }
}

package io.github.shipmaven.docker;

import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class DockerTlsTest {
  private static final char[] PASSWORD = "changeit".toCharArray();

  @TempDir Path dir;

  /** A key pair and self-signed certificate made by the JDK's keytool, as a PKCS12 store. */
  private KeyStore keytool(String... options) throws Exception {
    Path store = Files.createTempFile(dir, "store", ".p12");
    Files.delete(store);
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "docker",
                "-dname",
                "CN=127.0.0.1",
                "-validity",
                "2",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit"));
    command.addAll(List.of(options));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(store.toFile())) {
      keys.load(in, PASSWORD);
    }
    return keys;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private Path certDir(KeyStore keys, String keyType, byte[] keyDer) throws Exception {
    Path certs = Files.createDirectories(dir.resolve("certs-" + keyType.replace(' ', '-')));
    String cert = pem("CERTIFICATE", keys.getCertificate("docker").getEncoded());
    Files.writeString(certs.resolve("ca.pem"), cert);
    Files.writeString(certs.resolve("cert.pem"), cert);
    Files.writeString(certs.resolve("key.pem"), pem(keyType, keyDer));
    return certs;
  }

  private static PrivateKey key(KeyStore keys) throws Exception {
    return (PrivateKey) keys.getKey("docker", PASSWORD);
  }

  @Test
  void readsPkcs8AndPkcs1RsaKeys() throws Exception {
    KeyStore keys = keytool("-keyalg", "RSA", "-keysize", "2048");
    RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) key(keys);
    Path pkcs8 = certDir(keys, "PRIVATE KEY", rsa.getEncoded());
    assertThat(DockerTls.privateKey(pkcs8.resolve("key.pem")).getEncoded())
        .isEqualTo(rsa.getEncoded());
    Path pkcs1 = certDir(keys, "RSA PRIVATE KEY", pkcs1(rsa));
    assertThat(DockerTls.privateKey(pkcs1.resolve("key.pem")).getEncoded())
        .isEqualTo(rsa.getEncoded());
  }

  @Test
  void readsPkcs8AndSec1EcKeys() throws Exception {
    KeyStore keys = keytool("-keyalg", "EC", "-groupname", "secp256r1");
    ECPrivateKey ec = (ECPrivateKey) key(keys);
    Path pkcs8 = certDir(keys, "PRIVATE KEY", ec.getEncoded());
    assertThat(((ECPrivateKey) DockerTls.privateKey(pkcs8.resolve("key.pem"))).getS())
        .isEqualTo(ec.getS());
    Path sec1 = certDir(keys, "EC PRIVATE KEY", sec1(ec));
    ECPrivateKey read = (ECPrivateKey) DockerTls.privateKey(sec1.resolve("key.pem"));
    assertThat(read.getS()).isEqualTo(ec.getS());
    assertThat(read.getParams().toString()).isEqualTo(ec.getParams().toString());
  }

  @Test
  void theClientShowsItsCertificateAndTheDaemonsMustNameTheHostDialled() throws Exception {
    KeyStore named = keytool("-keyalg", "RSA", "-keysize", "2048", "-ext", "SAN=ip:127.0.0.1");
    assertThat(ping(named)).isEqualTo("1.41");
    KeyStore unnamed = keytool("-keyalg", "RSA", "-keysize", "2048");
    assertThatThrownBy(() -> ping(unnamed))
        .hasRootCauseInstanceOf(CertificateException.class)
        .rootCause()
        .hasMessageContaining("subject alternative names");
  }

  /**
   * Pings a one-shot TLS daemon that demands a client certificate; its certificate is also the
   * client's and the CA, the client's key a PKCS#1 PEM.
   */
  private String ping(KeyStore keys) throws Exception {
    Path certs = certDir(keys, "RSA PRIVATE KEY", pkcs1((RSAPrivateCrtKey) key(keys)));
    try (SSLServerSocket server =
        (SSLServerSocket)
            serverContext(keys)
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      server.setNeedClientAuth(true);
      CompletableFuture.runAsync(
          () -> {
            try (SSLSocket accepted = (SSLSocket) server.accept()) {
              InputStream in = accepted.getInputStream();
              for (int matched = 0; matched < 4; ) { // to the blank line after the head
                int b = in.read();
                if (b < 0) {
                  return;
                }
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
              }
              accepted
                  .getOutputStream()
                  .write(
                      "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n\r\nOK"
                          .getBytes(StandardCharsets.US_ASCII));
            } catch (Exception e) {
              // the client refused the certificate
            }
          });
      return new DockerSocketClient(
              URI.create("tcp://127.0.0.1:" + server.getLocalPort()), DockerTls.context(certs))
          .ping()
          .get("Api-Version")
          .get(0);
    }
  }

  private static SSLContext serverContext(KeyStore keys) throws Exception {
    SSLContext daemon = SSLContext.getInstance("TLS");
    KeyManagerFactory daemonKeys = KeyManagerFactory.getInstance("PKIX");
    daemonKeys.init(keys, PASSWORD);
    TrustManagerFactory daemonTrust = TrustManagerFactory.getInstance("PKIX");
    daemonTrust.init(keys);
    daemon.init(daemonKeys.getKeyManagers(), daemonTrust.getTrustManagers(), null);
    return daemon;
  }

  @Test
  void missingEncryptedOrForeignKeysAreNamed() throws Exception {
    KeyStore keys = keytool("-keyalg", "RSA", "-keysize", "2048");
    Path certs = certDir(keys, "PRIVATE KEY", key(keys).getEncoded());
    Files.delete(certs.resolve("key.pem"));
    assertThatThrownBy(() -> DockerTls.context(certs))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageEndingWith("key.pem");
    Files.writeString(
        certs.resolve("key.pem"),
        "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n"
            + "-----END RSA PRIVATE KEY-----\n");
    assertThatThrownBy(() -> DockerTls.privateKey(certs.resolve("key.pem")))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessageContaining("is encrypted");
    Files.copy(certs.resolve("cert.pem"), certs.resolve("key.pem"), REPLACE_EXISTING);
    assertThatThrownBy(() -> DockerTls.privateKey(certs.resolve("key.pem")))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessageContaining("holds a CERTIFICATE");
  }

  /**
   * RSAPrivateKey (PKCS#1): version 0 and the eight numbers, as openssl and docker-machine write.
   */
  private static byte[] pkcs1(RSAPrivateCrtKey key) {
    return sequence(
        integer(BigInteger.ZERO),
        integer(key.getModulus()),
        integer(key.getPublicExponent()),
        integer(key.getPrivateExponent()),
        integer(key.getPrimeP()),
        integer(key.getPrimeQ()),
        integer(key.getPrimeExponentP()),
        integer(key.getPrimeExponentQ()),
        integer(key.getCrtCoefficient()));
  }

  /** ECPrivateKey (SEC1): version 1, the secret, and [0] the named curve (P-256), as openssl. */
  private static byte[] sec1(ECPrivateKey key) {
    byte[] secret = key.getS().toByteArray();
    byte[] fixed = new byte[32];
    int copy = Math.min(secret.length, 32);
    System.arraycopy(secret, secret.length - copy, fixed, 32 - copy, copy);
    return sequence(
        integer(BigInteger.ONE),
        tlv(0x04, fixed),
        tlv(0xa0, HexFormat.of().parseHex("06082a8648ce3d030107")));
  }

  private static byte[] integer(BigInteger value) {
    return tlv(0x02, value.toByteArray());
  }

  private static byte[] sequence(byte[]... elements) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] element : elements) {
      content.writeBytes(element);
    }
    return tlv(0x30, content.toByteArray());
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    if (content.length < 0x80) {
      out.write(content.length);
    } else if (content.length < 0x100) {
      out.write(0x81);
      out.write(content.length);
    } else {
      out.write(0x82);
      out.write(content.length >> 8);
      out.write(content.length);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }
}

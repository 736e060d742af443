package io.github.shipmaven.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The docker CLI's TLS client from {@code DOCKER_CERT_PATH}: {@code ca.pem} (the daemon's CA),
 * {@code cert.pem} and {@code key.pem} (this client), the key in PEM as openssl and docker-machine
 * write it: PKCS#8, PKCS#1 RSA or SEC1 EC. Read with the JDK alone; docker-java's reader would
 * bring Bouncy Castle, 14 MB, into the plugin.
 */
final class DockerTls {
  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
  // AlgorithmIdentifier DER of rsaEncryption (with NULL parameters) and the id-ecPublicKey OID.
  private static final byte[] RSA_ALGORITHM = hex("300d06092a864886f70d0101010500");
  private static final byte[] EC_PUBLIC_KEY_OID = hex("06072a8648ce3d0201");
  private static final char[] NO_PASSWORD = new char[0];

  private DockerTls() {}

  static SSLContext context(Path certPath) throws IOException, GeneralSecurityException {
    KeyStore trusted = emptyStore();
    List<? extends Certificate> authorities = certificates(certPath.resolve("ca.pem"));
    for (int i = 0; i < authorities.size(); i++) {
      trusted.setCertificateEntry("ca" + i, authorities.get(i));
    }
    KeyStore client = emptyStore();
    client.setKeyEntry(
        "client",
        privateKey(certPath.resolve("key.pem")),
        NO_PASSWORD,
        certificates(certPath.resolve("cert.pem")).toArray(Certificate[]::new));
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(client, NO_PASSWORD);
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
    return context;
  }

  static List<? extends Certificate> certificates(Path file)
      throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      List<? extends Certificate> certificates =
          List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
      if (certificates.isEmpty()) {
        throw new GeneralSecurityException(file + " holds no certificate");
      }
      return certificates;
    }
  }

  static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    Matcher block = PEM.matcher(pem);
    if (!block.find()) {
      throw new GeneralSecurityException(file + " holds no PEM private key");
    }
    if (block.group(2).contains("Proc-Type:")) {
      throw new GeneralSecurityException(file + " is encrypted; docker reads only plain keys");
    }
    byte[] der = Base64.getMimeDecoder().decode(block.group(2).trim());
    return switch (block.group(1)) {
      case "PRIVATE KEY" -> pkcs8(der, "RSA", "EC", "Ed25519");
      case "RSA PRIVATE KEY" -> pkcs8(pkcs8Of(RSA_ALGORITHM, der), "RSA");
      case "EC PRIVATE KEY" ->
          pkcs8(pkcs8Of(sequence(EC_PUBLIC_KEY_OID, curveOf(der, file)), der), "EC");
      default ->
          throw new GeneralSecurityException(
              file + " holds a " + block.group(1) + ", not a private key docker reads");
    };
  }

  private static PrivateKey pkcs8(byte[] der, String... algorithms)
      throws GeneralSecurityException {
    for (String algorithm : algorithms) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (InvalidKeySpecException notThisAlgorithm) {
        // try the next
      }
    }
    throw new InvalidKeySpecException("not a " + String.join(", ", algorithms) + " private key");
  }

  /** PrivateKeyInfo { version 0, algorithm, privateKey OCTET STRING }. */
  private static byte[] pkcs8Of(byte[] algorithm, byte[] privateKey) {
    return sequence(hex("020100"), algorithm, tlv(0x04, privateKey));
  }

  /** The named curve of a SEC1 ECPrivateKey { version, privateKey, [0] parameters, ... }. */
  private static byte[] curveOf(byte[] sec1, Path file) throws GeneralSecurityException {
    int[] outer = header(sec1, 0, 0x30);
    int position = outer[0];
    while (position < outer[0] + outer[1]) {
      int tag = sec1[position] & 0xff;
      int[] element = header(sec1, position, tag);
      if (tag == 0xa0) {
        int[] oid = header(sec1, element[0], 0x06);
        return Arrays.copyOfRange(sec1, element[0], oid[0] + oid[1]);
      }
      position = element[0] + element[1];
    }
    throw new GeneralSecurityException(file + ": the EC key names no curve");
  }

  /** {contentStart, contentLength} of the DER element at {@code position}, which must be tag. */
  private static int[] header(byte[] der, int position, int tag) throws GeneralSecurityException {
    if (position + 1 >= der.length || (der[position] & 0xff) != tag) {
      throw new GeneralSecurityException("malformed DER in the private key");
    }
    int length = der[position + 1] & 0xff;
    int start = position + 2;
    if (length > 0x7f) {
      int bytes = length & 0x7f;
      length = 0;
      for (int i = 0; i < bytes; i++) {
        length = (length << 8) | (der[start + i] & 0xff);
      }
      start += bytes;
    }
    if (start + length > der.length) {
      throw new GeneralSecurityException("malformed DER in the private key");
    }
    return new int[] {start, length};
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
    int length = content.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(length >>> (8 * i));
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static KeyStore emptyStore() throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    return store;
  }

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }
}

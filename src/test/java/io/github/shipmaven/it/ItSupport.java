package io.github.shipmaven.it;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Helpers for the invoker integration tests' setup and verify scripts. */
public final class ItSupport {
  private ItSupport() {}

  /** Makes {@code dir} a git repository on branch main with everything committed. */
  public static void gitInit(File dir) throws Exception {
    Files.writeString(dir.toPath().resolve(".gitignore"), "target/\nbuild.log\n");
    run(dir, "git", "init", "-q", "-b", "main");
    run(dir, "git", "config", "user.email", "it@example.invalid");
    run(dir, "git", "config", "user.name", "IT");
    run(dir, "git", "config", "commit.gpgsign", "false");
    run(dir, "git", "add", "-A");
    run(dir, "git", "commit", "-q", "-m", "it");
  }

  public static String headSha(File dir) throws Exception {
    return run(dir, "git", "rev-parse", "HEAD").trim();
  }

  public static String run(File dir, String... command) throws Exception {
    Process process = new ProcessBuilder(command).directory(dir).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }

  /** The manifest digest the registry serves for {@code repository:tag}, or null if none. */
  public static String registryDigest(
      String registry, String repository, String tag, String user, String password)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://" + registry + "/v2/" + repository + "/manifests/" + tag))
            .method("HEAD", HttpRequest.BodyPublishers.noBody())
            .header(
                "Accept",
                "application/vnd.docker.distribution.manifest.v2+json,"
                    + "application/vnd.oci.image.manifest.v1+json")
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
            .build();
    HttpResponse<Void> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding());
    return response.statusCode() == 200
        ? response.headers().firstValue("Docker-Content-Digest").orElse(null)
        : null;
  }

  /**
   * The forms of the given secrets found in {@code log}: each secret, its base64, its URL encoding,
   * and base64 of {@code user:secret} for each user. Empty means clean.
   */
  public static List<String> secretsIn(File log, List<String> users, List<String> secrets)
      throws IOException {
    String text = Files.readString(log.toPath(), StandardCharsets.UTF_8);
    List<String> found = new ArrayList<>();
    for (String secret : secrets) {
      List<String> forms = new ArrayList<>();
      forms.add(secret);
      forms.add(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
      forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
      for (String user : users) {
        forms.add(
            Base64.getEncoder()
                .encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8)));
      }
      for (String form : forms) {
        if (text.contains(form)) {
          found.add(form.equals(secret) ? "a secret in clear" : "an encoded secret");
        }
      }
      // A secret inside a larger base64 blob (an X-Registry-Auth header, say) has no fixed
      // encoding.
      Matcher blobs = BASE64_BLOB.matcher(text);
      while (blobs.find()) {
        if (decodes(blobs.group(), secret)) {
          found.add("a secret inside a base64 blob");
        }
      }
    }
    return found;
  }

  private static final Pattern BASE64_BLOB = Pattern.compile("[A-Za-z0-9+/_-]{16,}={0,2}");

  private static boolean decodes(String blob, String secret) {
    for (Base64.Decoder decoder : List.of(Base64.getDecoder(), Base64.getUrlDecoder())) {
      try {
        if (new String(decoder.decode(blob), StandardCharsets.ISO_8859_1).contains(secret)) {
          return true;
        }
      } catch (IllegalArgumentException notBase64) {
        // not this alphabet or not padded right
      }
    }
    return false;
  }
}

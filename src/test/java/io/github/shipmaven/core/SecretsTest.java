package io.github.shipmaven.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretsTest {
  @Test
  void masksTheSecretAndItsEncodedForms() {
    Secrets secrets = new Secrets();
    secrets.addLogin("user", "p@ss/word+1");
    String b64 = Base64.getEncoder().encodeToString("p@ss/word+1".getBytes(StandardCharsets.UTF_8));
    String login =
        Base64.getEncoder().encodeToString("user:p@ss/word+1".getBytes(StandardCharsets.UTF_8));
    String url = URLEncoder.encode("p@ss/word+1", StandardCharsets.UTF_8);
    String text = "a p@ss/word+1 b " + b64 + " c " + login + " d " + url;
    assertThat(secrets.redact(text)).isEqualTo("a **** b **** c **** d ****");
  }

  @Test
  void leavesOtherTextAloneAndIgnoresTinyValues() {
    Secrets secrets = new Secrets();
    secrets.add("ab");
    secrets.add(null);
    assertThat(secrets.redact("abc")).isEqualTo("abc");
    assertThat(secrets.redact(null)).isNull();
  }
}

package io.github.shipmaven.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.shipmaven.core.ShipException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeployHookTest {
  static final String KEY = "s3cr3tKeyValue";

  @Test
  void acceptsRendersHookAndAddsTheImageUrlEncoded() {
    DeployHook hook =
        DeployHook.parse(
            "https://api.render.com/deploy/srv-abc123?key=" + KEY, "env RENDER_DEPLOY_HOOK_URL");
    assertThat(hook.serviceId()).isEqualTo("srv-abc123");
    assertThat(hook.key()).isEqualTo(KEY);
    assertThat(hook.redacted()).isEqualTo("https://api.render.com");
    assertThat(hook.toString()).doesNotContain(KEY);
    assertThat(hook.withImage("docker.io/team/app@sha256:abc").toString())
        .endsWith("imgURL=docker.io%2Fteam%2Fapp%40sha256%3Aabc");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:18080/deploy/srv-x?key=k",
        "http://localhost/deploy/srv-x?key=k"
      })
  void acceptsPlainHttpOnLoopback(String url) {
    assertThat(DeployHook.parse(url, "test").serviceId()).isEqualTo("srv-x");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://api.render.com/deploy/srv-abc123?key=" + KEY,
        "https://api.render.com/hooks/srv-abc123?key=" + KEY,
        "https://api.render.com/deploy/abc123?key=" + KEY,
        "https://api.render.com/deploy/srv-abc123?token=" + KEY,
        "not a url " + KEY,
        "",
      })
  void rejectsMalformedHooksWithoutShowingPathOrKey(String url) {
    assertThatThrownBy(() -> DeployHook.parse(url, "env RENDER_DEPLOY_HOOK_URL"))
        .isInstanceOf(ShipException.class)
        .hasMessageContaining("env RENDER_DEPLOY_HOOK_URL")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY).doesNotContain("abc123"));
  }
}

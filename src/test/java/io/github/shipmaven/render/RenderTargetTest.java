package io.github.shipmaven.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.shipmaven.core.ShipException;
import java.time.Duration;
import okhttp3.ConnectionSpec;
import org.junit.jupiter.api.Test;

class RenderTargetTest {
  static final String HTTPS_HOOK = "https://api.render.com/deploy/srv-abc?key=k";
  static final String LOOPBACK_HOOK = "http://127.0.0.1:18090/deploy/srv-abc?key=k";

  static RenderTarget target(String hook, String apiUrl, boolean waitForLive) {
    return new RenderTarget(
        hook == null ? null : DeployHook.parse(hook, "test"),
        "srv-abc",
        "apiKey",
        apiUrl,
        waitForLive,
        Duration.ofMinutes(10),
        Duration.ofSeconds(5));
  }

  @Test
  void callsHttpsWhenTheHookOrTheApiItCallsIsHttps() {
    assertThat(target(HTTPS_HOOK, "https://api.render.com", false).callsHttps()).isTrue();
    assertThat(target(HTTPS_HOOK, "http://127.0.0.1:1", false).callsHttps()).isTrue();
    // the API is called only without a hook or when the deploy is followed
    assertThat(target(LOOPBACK_HOOK, "https://api.render.com", false).callsHttps()).isFalse();
    assertThat(target(LOOPBACK_HOOK, "https://api.render.com", true).callsHttps()).isTrue();
    assertThat(target(null, "https://api.render.com", false).callsHttps()).isTrue();
  }

  @Test
  void plainHttpOnLoopbackCallsNoHttps() {
    assertThat(target(LOOPBACK_HOOK, "http://127.0.0.1:18090", true).callsHttps()).isFalse();
    assertThat(target(null, "http://localhost:18090", true).callsHttps()).isFalse();
  }

  @Test
  void anApiUrlWithALoginIsRefusedWithoutShowingIt() {
    for (String url :
        new String[] {"https://user:Canary-1@api.render.com", "https://Canary-1@stand_in:8443/x"}) {
      assertThatThrownBy(() -> RenderTarget.checkApiUrl(url))
          .isInstanceOf(ShipException.class)
          .hasMessageContaining("<renderApiUrl> (ship.render.apiUrl) holds a user name or password")
          .hasMessageNotContaining("Canary");
    }
    assertThat(RenderTarget.checkApiUrl("https://api.render.com"))
        .isEqualTo("https://api.render.com/");
  }

  @Test
  void aClientForHttpsSpeaksTlsAndOneForPlainHttpOnlyCleartext() {
    assertThat(RenderClient.httpClient(true).connectionSpecs())
        .anyMatch(ConnectionSpec::isTls)
        .contains(ConnectionSpec.CLEARTEXT);
    assertThat(RenderClient.httpClient(false).connectionSpecs())
        .containsExactly(ConnectionSpec.CLEARTEXT);
  }
}

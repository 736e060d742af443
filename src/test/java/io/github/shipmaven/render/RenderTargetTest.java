package io.github.shipmaven.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import java.net.URI;
import java.time.Duration;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
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
  void httpsIsCalledWithTlsAndPlainHttpOnlyOnLoopback() throws Exception {
    RenderTarget target = target(HTTPS_HOOK, "https://api.render.com", true);
    RenderHttp calls =
        new RenderHttp(
            RenderClient.Timeouts.DEFAULT, target.api(), "apiKey", duration -> {}, ShipLog.NONE);
    HttpsURLConnection hook =
        (HttpsURLConnection) calls.open(RenderHttp.hookPost(target.hook().withImage("x/y:1")));
    assertThat(hook.getSSLSocketFactory())
        .as("the JDK's own TLS, whatever HttpsURLConnection's default was set to")
        .isExactlyInstanceOf(SSLSocketFactory.getDefault().getClass());
    assertThat(hook.getHostnameVerifier().verify("api.render.com", null))
        .as("a certificate for another name is refused, whatever the JVM's default verifier")
        .isFalse();
    assertThat(calls.open(calls.api(calls.service("srv-abc", null, "deploys"))))
        .isInstanceOf(HttpsURLConnection.class);
    RenderTarget loopback = target(LOOPBACK_HOOK, "http://127.0.0.1:18090", true);
    assertThat(calls.open(RenderHttp.hookPost(loopback.hook().withImage("x/y:1"))))
        .isNotInstanceOf(HttpsURLConnection.class);
    // DeployHook and RenderTarget refuse it first; the calls refuse it too
    assertThatThrownBy(
            () -> calls.open(RenderHttp.hookPost(URI.create("http://api.render.com/deploy/x"))))
        .isInstanceOf(ShipException.class)
        .hasMessageContaining("plain http only for loopback hosts");
  }
}

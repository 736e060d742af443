package io.github.shipmaven.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.shipmaven.core.ShipException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {

  @ParameterizedTest
  @CsvSource({
    "docker.io/johnchem/orange_county, docker.io, johnchem/orange_county",
    "johnchem/orange_county, docker.io, johnchem/orange_county",
    "index.docker.io/johnchem/app, docker.io, johnchem/app",
    "nginx, docker.io, library/nginx",
    "127.0.0.1:5000/team/app, 127.0.0.1:5000, team/app",
    "localhost/app, localhost, app",
    "ghcr.io/org/sub/app-name, ghcr.io, org/sub/app-name",
    "registry.example.com:443/a__b/c.d, registry.example.com:443, a__b/c.d",
    "[::1]:5000/app, [::1]:5000, app",
  })
  void parsesAndNormalisesTheRegistry(String image, String registry, String path) {
    ImageReference ref = ImageReference.parse(image);
    assertThat(ref.name()).isEqualTo(image);
    assertThat(ref.registry()).isEqualTo(registry);
    assertThat(ref.path()).isEqualTo(path);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "Team/App",
        "team/app:latest",
        "team/app@sha256:0000000000000000000000000000000000000000000000000000000000000000",
        "team//app",
        "team/-app",
        "team/app-",
        "bad_host.com:port/app",
        "team/app/",
      })
  void rejectsWhatTheGrammarRejectsNamingTheElement(String image) {
    assertThatThrownBy(() -> ImageReference.parse(image))
        .isInstanceOf(ShipException.class)
        .hasMessageStartingWith("<image> (ship.image)")
        .satisfies(
            e -> assertThat(((ShipException) e).kind()).isEqualTo(ShipException.Kind.CONFIG));
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1:5000/a", "localhost:5000/a", "[::1]/a", "127.9.9.9/a"})
  void knowsLoopbackRegistries(String image) {
    assertThat(ImageReference.parse(image).isLoopbackRegistry()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"docker.io/a/b", "ghcr.io/a/b", "a/b", "10.0.0.1:5000/a"})
  void knowsRemoteRegistries(String image) {
    assertThat(ImageReference.parse(image).isLoopbackRegistry()).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"latest, true", "v1.2.3, true", "_x, true", ".x, false", "-x, false", "a/b, false"})
  void validatesTags(String tag, boolean valid) {
    assertThat(ImageReference.isValidTag(tag)).isEqualTo(valid);
  }

  /** Unset (Maven leaves the field null) or blank: one line with the element, property and fix. */
  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "  "})
  void anUnsetImageNamesTheElementThePropertyAndTheFix(String image) {
    assertThatThrownBy(() -> ImageReference.parse(image))
        .isInstanceOf(ShipException.class)
        .hasMessage(
            "<image> (ship.image) is not set: set it to the image repository without a tag, e.g."
                + " <image>docker.io/team/app</image> in the plugin's <configuration>, or"
                + " -Dship.image=docker.io/team/app.");
  }

  @org.junit.jupiter.api.Test
  void rejectsTagsLongerThan128() {
    assertThat(ImageReference.isValidTag("a".repeat(128))).isTrue();
    assertThat(ImageReference.isValidTag("a".repeat(129))).isFalse();
  }
}

package io.github.shipmaven.git;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every URL form git accepts, with credentials in each place they can hide. */
class RemoteUrlsTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // http(s) and other schemes: no userinfo at all stays, not even a lone name (a token)
        "https://ci_user:Canary-1@git_server.internal/team/app.git | https://git_server.internal/team/app.git",
        "https://Canary-1@github.com/team/app.git | https://github.com/team/app.git",
        "https://x-access-token:Canary-1@github.com/team/app | https://github.com/team/app",
        "HTTPS://u:Canary-1@Example.COM:8443/a.git | HTTPS://Example.COM:8443/a.git",
        "http://u:p%40ss@host_1:80/a | http://host_1:80/a",
        "https://u:pa@ss@host/a.git | https://host/a.git",
        "https://oauth2:Canary-1@[2001:db8::1]:8443/g/a.git | https://[2001:db8::1]:8443/g/a.git",
        "https://u:Canary-1@host | https://host",
        "https://host/team/app.git?private_token=Canary-1 | https://host/team/app.git",
        "https://host/team/app@v2.git | https://host/team/app@v2.git",
        "ftp://u:Canary-1@files.internal/a.git | ftp://files.internal/a.git",
        "ftps://u:Canary-1@files.internal/a.git | ftps://files.internal/a.git",
        "git://u:Canary-1@host.xz/~u/a.git | git://host.xz/~u/a.git",
        "file:///srv/git/app.git | file:///srv/git/app.git",
        // ssh forms: a bare user name stays, anything with a password goes whole
        "ssh://git@github.com/team/app.git | ssh://git@github.com/team/app.git",
        "ssh://u:Canary-1@host.xz:2222/~/a.git | ssh://host.xz:2222/~/a.git",
        "git+ssh://git@host_x/a.git | git+ssh://git@host_x/a.git",
        "ssh://git@[::1]:22/a.git | ssh://git@[::1]:22/a.git",
        "ssh://u:Canary-1@[fe80::1%25eth0]/a.git | ssh://[fe80::1%25eth0]/a.git",
        "git@github.com:team/app.git | git@github.com:team/app.git",
        "git@git_server.internal:team/app.git | git@git_server.internal:team/app.git",
        "user:Canary-1@host:team/app.git | host:team/app.git",
        "a%3Ab@host:path | host:path",
        "[git@::1]:team/app.git | [git@::1]:team/app.git",
        "[u:Canary-1@2001:db8::1]:team/app.git | [2001:db8::1]:team/app.git",
        "[host_x:2222]:team/app.git | [host_x:2222]:team/app.git",
        "host.xz:~user/a.git | host.xz:~user/a.git",
        "host:dir@x | host:dir@x",
        // remote helpers and local paths
        "persistent-https::https://u:Canary-1@host/a.git | persistent-https::https://host/a.git",
        "codecommit::eu-west-1://app | codecommit::eu-west-1://app",
        "/srv/git/app@v1.git | /srv/git/app@v1.git",
        "../app.git | ../app.git",
        "./u:Canary-1@host:x | ./u:Canary-1@host:x",
      })
  void dropsCredentials(String url, String expected) {
    assertThat(RemoteUrls.withoutCredentials(url)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "https://ci_user:Canary-1@git_server.internal/team/app.git",
        "https://Canary-1@github.com/team/app.git",
        "ssh://u:Canary-1@host.xz/a.git",
        "user:Canary-1@host:team/app.git",
        "[u:Canary-1@2001:db8::1]:a.git",
        "https://host/a.git?token=Canary-1",
        "persistent-https::https://u:Canary-1@host/a.git",
      })
  void namesWhatItDropsSoThatItCanBeMasked(String url) {
    assertThat(RemoteUrls.credentials(url)).contains("Canary-1");
    assertThat(RemoteUrls.withoutCredentials(url)).doesNotContain("Canary");
  }

  @ParameterizedTest
  @CsvSource({"git@github.com:team/app.git", "/srv/git/app.git", "https://host/a.git"})
  void dropsNothingFromAUrlWithoutCredentials(String url) {
    assertThat(RemoteUrls.credentials(url)).isEmpty();
  }
}

package io.github.shipmaven.git;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * git remote URLs with their credentials taken out, for labels and messages. Parsed by hand in
 * every form git accepts (gitglossary's and git-clone's "GIT URLS"), not with {@code java.net.URI},
 * which gives up on hosts git takes (an underscore: {@code git_server.internal}) and would then let
 * the whole URL through:
 *
 * <ul>
 *   <li>{@code scheme://[userinfo@]host[:port]/path} ({@code https}, {@code http}, {@code ftp[s]},
 *       {@code git}, {@code ssh}, {@code git+ssh}, {@code file}, any other): the userinfo is what
 *       comes before the last {@code @} ahead of the path; query and fragment are dropped too (git
 *       needs neither, and tokens travel in them);
 *   <li>scp-like {@code [user@]host:path}, also {@code [user@host]:path} with a bracketed IPv6
 *       host: the user is what comes before the last {@code @} ahead of the path's colon;
 *   <li>{@code transport::address} (remote helpers): the address is cleaned as above;
 *   <li>local paths: unchanged.
 * </ul>
 *
 * <p>The rule: all userinfo is dropped, except a bare user name (letters, digits, {@code . _ ~ -})
 * in the ssh forms ({@code ssh://}, {@code git+ssh://}, scp-like), such as {@code git@}. ssh takes
 * no password from a URL (git hands {@code user@host} to ssh, which authenticates with keys), so
 * such a name is an account name and not a secret, and {@code git@github.com:team/app.git} stays as
 * users know it. Over http(s) and the other schemes a lone user name is often a token ({@code
 * https://<token>@github.com/…}), so nothing of it is kept there.
 */
public final class RemoteUrls {
  private static final Pattern HELPER =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*)::(.*)", Pattern.DOTALL);
  private static final Pattern SCHEME =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*)://(.*)", Pattern.DOTALL);
  private static final Pattern PLAIN_USER = Pattern.compile("[A-Za-z0-9._~-]+");

  private RemoteUrls() {}

  /** {@code url} without credentials, by the rule above; null stays null. */
  public static @Nullable String withoutCredentials(@Nullable String url) {
    return url == null ? null : split(url).cleaned();
  }

  /**
   * The parts {@link #withoutCredentials} drops (the userinfo, its password, a query), for masking
   * them in any message that might quote the raw URL; empty when there are none.
   */
  public static List<String> credentials(@Nullable String url) {
    return url == null ? List.of() : split(url).dropped();
  }

  private record Split(String cleaned, List<String> dropped) {}

  private static Split split(String url) {
    Matcher helper = HELPER.matcher(url);
    if (helper.matches()) {
      Split address = split(helper.group(2));
      return new Split(helper.group(1) + "::" + address.cleaned(), address.dropped());
    }
    Matcher scheme = SCHEME.matcher(url);
    if (scheme.matches()) {
      return schemeUrl(scheme.group(1), scheme.group(2));
    }
    return scpLike(url);
  }

  private static Split schemeUrl(String scheme, String rest) {
    int authorityEnd = indexOfAny(rest, "/?#", 0);
    int pathEnd = indexOfAny(rest, "?#", authorityEnd);
    String authority = rest.substring(0, authorityEnd);
    List<String> dropped = new ArrayList<>();
    if (pathEnd < rest.length()) {
      String query = rest.substring(pathEnd + 1);
      dropped.add(query);
      for (String parameter : query.split("[&;#]")) {
        dropped.add(parameter.substring(parameter.indexOf('=') + 1));
      }
    }
    String path = rest.substring(authorityEnd, pathEnd);
    int at = authority.lastIndexOf('@');
    String host = authority.substring(at + 1);
    String user = at < 0 ? null : authority.substring(0, at);
    String kept = keep(user, isSsh(scheme), dropped);
    return new Split(scheme + "://" + kept + host + path, List.copyOf(dropped));
  }

  private static Split scpLike(String url) {
    List<String> dropped = new ArrayList<>();
    if (url.startsWith("[") && url.indexOf(']') > 0) {
      // [user@host]:path, as git reads a bracketed host (IPv6 or with a port)
      int close = url.indexOf(']');
      String inside = url.substring(1, close);
      int at = inside.lastIndexOf('@');
      if (at >= 0 && url.startsWith(":", close + 1)) {
        String kept = keep(inside.substring(0, at), true, dropped);
        return new Split(
            "[" + kept + inside.substring(at + 1) + url.substring(close), List.copyOf(dropped));
      }
      return new Split(url, List.of());
    }
    int colon = url.indexOf(':');
    int slash = url.indexOf('/');
    if (colon < 0 || (slash >= 0 && slash < colon)) {
      return new Split(url, List.of()); // a local path, as git takes it
    }
    // The last '@' ahead of the path that a ':' still follows: "user:pw@host:path" loses "user:pw"
    // although git itself would take "user" for the host.
    int at = url.lastIndexOf('@', (slash < 0 ? url.length() : slash) - 1);
    if (at < 0 || url.indexOf(':', at) < 0) {
      return new Split(url, List.of());
    }
    String kept = keep(url.substring(0, at), true, dropped);
    return new Split(kept + url.substring(at + 1), List.copyOf(dropped));
  }

  /** What stays of {@code user} ({@code "name@"} or nothing); the rest goes to {@code dropped}. */
  private static String keep(@Nullable String user, boolean ssh, List<String> dropped) {
    if (user == null) {
      return "";
    }
    if (ssh && PLAIN_USER.matcher(user).matches()) {
      return user + "@";
    }
    dropped.add(user);
    int colon = user.indexOf(':');
    if (colon >= 0) {
      dropped.add(user.substring(colon + 1));
    }
    return "";
  }

  private static boolean isSsh(String scheme) {
    String s = scheme.toLowerCase(Locale.ROOT);
    return s.equals("ssh") || s.equals("git+ssh") || s.equals("ssh+git");
  }

  private static int indexOfAny(String s, String chars, int from) {
    for (int i = from; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return s.length();
  }
}

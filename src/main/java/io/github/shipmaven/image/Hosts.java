package io.github.shipmaven.image;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one authority on whether a host is this machine, asked by the registry (which may then be
 * pushed to without a login), the deploy hook and Render's API URL (which may then be plain http).
 * Loopback is an IP literal in 127.0.0.0/8, {@code ::1}, or {@code localhost}: never a name that
 * merely starts with {@code 127.}, such as {@code 127.0.0.1.nip.io}, which resolves anywhere.
 */
public final class Hosts {
  private static final Pattern IPV4 =
      Pattern.compile("([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");

  private Hosts() {}

  /**
   * @param host a host name or IP literal, IPv6 with or without brackets, without port
   */
  public static boolean isLoopback(String host) {
    if (host == null || host.isEmpty()) {
      return false;
    }
    String bare =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (bare.toLowerCase(Locale.ROOT).equals("localhost")) {
      return true;
    }
    Matcher v4 = IPV4.matcher(bare);
    if (v4.matches()) {
      for (int i = 1; i <= 4; i++) {
        if (Integer.parseInt(v4.group(i)) > 255) {
          return false;
        }
      }
      return v4.group(1).equals("127");
    }
    if (bare.contains(":") && bare.matches("[0-9a-fA-F:.]+")) {
      try {
        return InetAddress.getByName(bare).isLoopbackAddress(); // a literal: no lookup
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return false;
  }

  /** The host of {@code host[:port]} (IPv6 in brackets). */
  public static String withoutPort(String hostAndPort) {
    if (hostAndPort.startsWith("[")) {
      int end = hostAndPort.indexOf(']');
      return end < 0 ? hostAndPort : hostAndPort.substring(0, end + 1);
    }
    int colon = hostAndPort.lastIndexOf(':');
    return colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
  }
}

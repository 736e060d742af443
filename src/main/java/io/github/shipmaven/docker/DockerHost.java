package io.github.shipmaven.docker;

import io.github.shipmaven.core.ShipException;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * A daemon address read as the docker CLI reads {@code DOCKER_HOST}: {@code unix:///path} ({@code
 * unix://} alone is the default socket), {@code tcp://host:port}, where the host defaults to
 * localhost and the port to 2375, with TLS or without, as in the CLI; an address without a scheme
 * is TCP; and {@code ssh://[user@]host[:port][/path/to/socket]} (see {@link SshCommand}), with the
 * CLI's rules: a host, no password, no query, no fragment. The CLI's npipe:// (Windows) and fd://
 * (systemd) are not spoken here, and say so.
 */
final class DockerHost {
  static final String DEFAULT_SOCKET = "/var/run/docker.sock";
  private static final int DEFAULT_TCP_PORT = 2375;

  private DockerHost() {}

  /**
   * @param value the address as configured
   * @param setting where it was configured, for the error a bad address gets
   * @return a {@code unix:} URI whose path is the socket, or a {@code tcp:} URI with host and port
   */
  static URI parse(String value, String setting) {
    String host = value.trim();
    int separator = host.indexOf("://");
    String scheme = separator < 0 ? "tcp" : host.substring(0, separator);
    String address = separator < 0 ? host : host.substring(separator + 3);
    return switch (scheme) {
      case "unix" -> unix(address.isEmpty() ? DEFAULT_SOCKET : address, value, setting);
      case "tcp" -> tcp(address, value, setting);
      case "ssh" -> ssh(host, value, setting);
      case "npipe", "fd" ->
          throw ShipException.config(
              setting
                  + " is "
                  + value
                  + ", but ship-maven-plugin speaks only to unix://, tcp:// and ssh:// daemons:"
                  + " forward the daemon's socket to one of those and point "
                  + setting
                  + " at it.");
      default -> throw invalid(value, setting);
    };
  }

  private static URI unix(String path, String value, String setting) {
    if (!path.startsWith("/")) {
      throw invalid(value, setting);
    }
    try {
      return new URI("unix", "", path, null, null);
    } catch (URISyntaxException e) {
      throw invalid(value, setting);
    }
  }

  private static URI tcp(String address, String value, String setting) {
    String hostPort = address.endsWith("/") ? address.substring(0, address.length() - 1) : address;
    // The host ends at the last ':' outside an IPv6 literal's brackets.
    int colon = hostPort.lastIndexOf(':');
    if (colon < hostPort.lastIndexOf(']')) {
      colon = -1;
    }
    String name = colon < 0 ? hostPort : hostPort.substring(0, colon);
    String port = colon < 0 ? "" : hostPort.substring(colon + 1);
    if (name.isEmpty()) {
      name = "localhost";
    }
    boolean ipv6 = name.startsWith("[") && name.endsWith("]");
    try {
      int number = port.isEmpty() ? DEFAULT_TCP_PORT : Integer.parseInt(port);
      // Names as DNS and /etc/hosts take them, '_' included (a compose service's), which Java's
      // URI does not count as a host: hostName and port below read them back.
      URI uri = new URI("tcp://" + name + ":" + number);
      if (number < 1
          || number > 65_535
          || (ipv6 ? uri.getHost() == null : !name.matches("[A-Za-z0-9._-]+"))) {
        throw invalid(value, setting);
      }
      return uri;
    } catch (NumberFormatException | URISyntaxException e) {
      throw invalid(value, setting);
    }
  }

  /**
   * An ssh address as the CLI takes it (docker/cli {@code connhelper/ssh}, Go's URL parser): {@code
   * ssh://[user@]host[:port][/path]}.
   */
  private static URI ssh(String host, String value, String setting) {
    String afterScheme = host.substring("ssh://".length());
    if (afterScheme.isEmpty() || afterScheme.startsWith("/")) {
      throw sshInvalid(value, setting, "no host, or not a host name");
    }
    URI uri;
    try {
      uri = new URI(host);
    } catch (URISyntaxException e) {
      throw sshInvalid(value, setting, "not a URL (" + e.getReason() + ")");
    }
    if (uri.getRawUserInfo() != null && uri.getRawUserInfo().contains(":")) {
      // Never echo the address: it holds a password.
      throw ShipException.config(
          setting
              + " holds an ssh:// address with a password, which the docker CLI does not take"
              + " either: remove it and let ssh log in with a key (ssh-agent or ~/.ssh/config).");
    }
    if (uri.getRawQuery() != null) {
      throw sshInvalid(value, setting, "query parameters are not allowed");
    }
    if (uri.getRawFragment() != null) {
      throw sshInvalid(value, setting, "fragments are not allowed");
    }
    String authority = uri.getRawAuthority();
    String hostPort = authority == null ? "" : authority.substring(authority.lastIndexOf('@') + 1);
    int colon = hostPort.lastIndexOf(':');
    if (colon < hostPort.lastIndexOf(']')) {
      colon = -1;
    }
    String name = colon < 0 ? hostPort : hostPort.substring(0, colon);
    String port = colon < 0 ? "" : hostPort.substring(colon + 1);
    boolean ipv6 = name.matches("\\[[0-9A-Fa-f:.]+]");
    // Names as ssh takes them, '_' included (ssh_config aliases): Java's URI does not count such
    // a name as a host, so sshHostName and the port are read back from the authority.
    if (name.isEmpty() || !(ipv6 || name.matches("[A-Za-z0-9._-]+"))) {
      throw sshInvalid(value, setting, "no host, or not a host name");
    }
    if (!port.isEmpty()
        && (!port.matches("[0-9]{1,5}")
            || Integer.parseInt(port) < 1
            || Integer.parseInt(port) > 65_535)) {
      throw sshInvalid(value, setting, "the port is not a number from 1 to 65535");
    }
    return uri;
  }

  /** The login name of an {@code ssh:} URI, or null for ssh's own default. */
  static String sshUser(URI ssh) {
    String authority = ssh.getAuthority();
    int at = authority.lastIndexOf('@');
    return at < 0 ? null : authority.substring(0, at);
  }

  /** The port of an {@code ssh:} URI, or null for ssh's own default. */
  static String sshPort(URI ssh) {
    String hostPort = hostPortOf(ssh);
    int colon = hostPort.lastIndexOf(':');
    return colon < 0 || colon < hostPort.lastIndexOf(']') ? null : hostPort.substring(colon + 1);
  }

  private static String hostPortOf(URI ssh) {
    String authority = ssh.getRawAuthority();
    return authority.substring(authority.lastIndexOf('@') + 1);
  }

  private static ShipException sshInvalid(String value, String setting, String why) {
    return ShipException.config(
        setting
            + " is "
            + value
            + ", which is not an ssh daemon address ("
            + why
            + "): use ssh://[user@]host[:port].");
  }

  /** The host to give ssh, from an {@code ssh:} URI: a name, IPv4, or IPv6 without brackets. */
  static String sshHostName(URI ssh) {
    String hostPort = hostPortOf(ssh);
    String port = sshPort(ssh);
    String host =
        port == null ? hostPort : hostPort.substring(0, hostPort.length() - port.length() - 1);
    return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
  }

  /** An address as it was written: a socket path unescaped, where the URI escapes it. */
  static String shown(URI host) {
    return host.getScheme().equals("unix") ? "unix://" + host.getPath() : host.toString();
  }

  /** The host to dial in a URI from {@link #parse}: a name, an IPv4 or a bracketed IPv6 address. */
  static String hostName(URI tcp) {
    String authority = tcp.getRawAuthority();
    return authority.substring(0, authority.lastIndexOf(':'));
  }

  /** The port in a URI from {@link #parse}. */
  static int port(URI tcp) {
    String authority = tcp.getRawAuthority();
    return Integer.parseInt(authority.substring(authority.lastIndexOf(':') + 1));
  }

  private static ShipException invalid(String value, String setting) {
    return ShipException.config(
        setting
            + " is "
            + value
            + ", which is not a Docker daemon address: use unix:///path/to/docker.sock or"
            + " tcp://host:port.");
  }
}

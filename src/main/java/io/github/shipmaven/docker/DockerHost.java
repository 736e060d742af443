package io.github.shipmaven.docker;

import io.github.shipmaven.core.ShipException;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * A daemon address read as the docker CLI reads {@code DOCKER_HOST}: {@code unix:///path} ({@code
 * unix://} alone is the default socket) or {@code tcp://host:port}, where the host defaults to
 * localhost and the port to 2375, with TLS or without, as in the CLI; an address without a scheme
 * is TCP. The CLI's ssh:// and npipe:// transports are not spoken here, and say so.
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
      case "ssh", "npipe", "fd" ->
          throw ShipException.config(
              setting
                  + " is "
                  + value
                  + ", but ship-maven-plugin speaks only to unix:// and tcp:// daemons: forward the"
                  + " daemon's socket to one of those and point "
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

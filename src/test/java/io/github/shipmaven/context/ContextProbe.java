package io.github.shipmaven.context;

import io.github.shipmaven.core.ShipException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Writes a build context to nowhere and prints how it failed: run by BuildContextTest as an
 * unprivileged user, since root reads files whatever their permissions.
 */
public final class ContextProbe {
  private ContextProbe() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    try {
      BuildContext.of(root, root.resolve("Dockerfile")).write(OutputStream.nullOutputStream());
      System.out.print("written");
    } catch (ShipException e) {
      System.out.print(e.kind() + ": " + e.getMessage());
    }
  }
}

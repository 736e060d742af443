package io.github.shipmaven.context;

/**
 * The daemon's builders: the legacy one of {@code /build}, or BuildKit ({@code version=2}). What a
 * Dockerfile may use depends on which one builds it.
 */
public enum Builder {
  CLASSIC,
  BUILDKIT
}

package io.github.shipmaven.core;

/** Every user property and project property of the plugin, in one place. */
public final class ShipProperties {
  private ShipProperties() {}

  /** How messages name a setting: {@code <timeout> (ship.render.timeout)}. */
  public static String element(String name, String property) {
    return "<" + name + "> (" + property + ")";
  }

  public static final String SKIP = "ship.skip";
  public static final String BUILD_SKIP = "ship.build.skip";
  public static final String PUSH_SKIP = "ship.push.skip";
  public static final String DEPLOY_SKIP = "ship.deploy.skip";
  public static final String IMAGE = "ship.image";
  public static final String TAGS = "ship.tags";
  public static final String BRANCHES = "ship.branches";
  public static final String ALLOW_DIRTY = "ship.allowDirty";
  public static final String DOCKER_HOST = "ship.docker.host";
  public static final String DOCKERFILE = "ship.dockerfile";
  public static final String CONTEXT = "ship.context";
  public static final String TARGET = "ship.target";
  public static final String PLATFORM = "ship.platform";
  public static final String PULL = "ship.pull";
  public static final String NO_CACHE = "ship.noCache";
  public static final String SERVER_ID = "ship.serverId";
  public static final String PUSH_RETRIES = "ship.push.retries";
  public static final String PUSH_STALL_TIMEOUT = "ship.push.stallTimeout";
  public static final String RENDER_SERVER_ID = "ship.render.serverId";
  public static final String RENDER_WAIT = "ship.render.wait";
  public static final String RENDER_TIMEOUT = "ship.render.timeout";
  public static final String RENDER_POLL_INTERVAL = "ship.render.pollInterval";
  public static final String RENDER_API_URL = "ship.render.apiUrl";
  public static final String RENDER_ALLOW_TAG_DEPLOY = "ship.render.allowTagDeploy";
  public static final String RENDER_API_KEY_SERVER_ID = "ship.render.apiKeyServerId";
  public static final String RENDER_SERVICE_ID = "ship.render.serviceId";
  public static final String RENDER_PLATFORM_CHECK = "ship.render.platformCheck";
  public static final String RENDER_DEPLOY_ID = "ship.render.deployId";
  public static final String BUILDER = "ship.builder";
  public static final String NETWORK = "ship.network";
  public static final String SSH = "ship.ssh";

  /** Project properties set for later plugins. */
  public static final String GIT_SHA = "ship.git.sha";

  public static final String GIT_SHORT_SHA = "ship.git.shortSha";
  public static final String GIT_BRANCH = "ship.git.branch";
  public static final String IMAGE_ID = "ship.image.id";
  public static final String IMAGE_DIGEST = "ship.image.digest";

  /** Environment variables that hold secrets: never parameters, since -X prints parameters. */
  public static final String HOOK_VARIABLE = "RENDER_DEPLOY_HOOK_URL";

  public static final String API_KEY_VARIABLE = "RENDER_API_KEY";
}

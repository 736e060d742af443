package io.github.shipmaven.maven;

/** Every user property and project property of the plugin, in one place. */
final class ShipProperties {
  private ShipProperties() {}

  static final String SKIP = "ship.skip";
  static final String BUILD_SKIP = "ship.build.skip";
  static final String PUSH_SKIP = "ship.push.skip";
  static final String DEPLOY_SKIP = "ship.deploy.skip";
  static final String IMAGE = "ship.image";
  static final String TAGS = "ship.tags";
  static final String BRANCHES = "ship.branches";
  static final String ALLOW_DIRTY = "ship.allowDirty";
  static final String DOCKER_HOST = "ship.docker.host";
  static final String DOCKERFILE = "ship.dockerfile";
  static final String CONTEXT = "ship.context";
  static final String TARGET = "ship.target";
  static final String PLATFORM = "ship.platform";
  static final String PULL = "ship.pull";
  static final String NO_CACHE = "ship.noCache";
  static final String SERVER_ID = "ship.serverId";
  static final String PUSH_RETRIES = "ship.push.retries";
  static final String PUSH_STALL_TIMEOUT = "ship.push.stallTimeout";
  static final String RENDER_SERVER_ID = "ship.render.serverId";
  static final String RENDER_WAIT = "ship.render.wait";
  static final String RENDER_TIMEOUT = "ship.render.timeout";
  static final String RENDER_POLL_INTERVAL = "ship.render.pollInterval";
  static final String RENDER_API_URL = "ship.render.apiUrl";
  static final String RENDER_ALLOW_TAG_DEPLOY = "ship.render.allowTagDeploy";
  static final String RENDER_API_KEY_SERVER_ID = "ship.render.apiKeyServerId";

  /** Project properties set for later plugins. */
  static final String GIT_SHA = "ship.git.sha";

  static final String GIT_SHORT_SHA = "ship.git.shortSha";
  static final String GIT_BRANCH = "ship.git.branch";
  static final String IMAGE_ID = "ship.image.id";
  static final String IMAGE_DIGEST = "ship.image.digest";

  /** Environment variables that hold secrets: never parameters, since -X prints parameters. */
  static final String HOOK_VARIABLE = "RENDER_DEPLOY_HOOK_URL";

  static final String API_KEY_VARIABLE = "RENDER_API_KEY";
}

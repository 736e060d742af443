package io.github.shipmaven;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The allowed package dependencies of the plugin's production classes. The intended graph, each
 * package naming every project package it may use (none may use one it does not name):
 *
 * <pre>
 * maven    → plan, docker, registry, git, core   (Mojos: wire settings.xml, start the daemon early)
 * plan     → buildkit, docker, render, registry, context, image, git, core
 * buildkit → docker, context, registry, image, core   (the session; docker never uses it)
 * docker   → context, registry, image, core
 * context  → image, core
 * registry → image, core                         (Docker Hub naming of ImageReference)
 * render   → image, core                         (image.Hosts: the one loopback authority)
 * image    → git, core                           (tag templates and OCI labels read GitFacts)
 * git      → core
 * core     → nothing of the project
 * </pre>
 *
 * Libraries stay behind one package each: Maven in {@code maven}, JGit in {@code git}, docker-java
 * in {@code docker}, okhttp in {@code buildkit} (its HTTP/2, which serves the BuildKit session;
 * Render is called with the JDK's HttpURLConnection). {@code ship_maven_plugin} holds the HelpMojo
 * that maven-plugin-plugin generates; it uses Maven and nothing of the project.
 */
@AnalyzeClasses(
    packages = "io.github.shipmaven",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  private static final String PROJECT = "io.github.shipmaven..";
  private static final String MAVEN = "io.github.shipmaven.maven..";
  private static final String HELP = "io.github.shipmaven.ship_maven_plugin..";
  private static final String PLAN = "io.github.shipmaven.plan..";
  private static final String DOCKER = "io.github.shipmaven.docker..";
  private static final String BUILDKIT = "io.github.shipmaven.buildkit..";
  private static final String CONTEXT = "io.github.shipmaven.context..";
  private static final String REGISTRY = "io.github.shipmaven.registry..";
  private static final String RENDER = "io.github.shipmaven.render..";
  private static final String IMAGE = "io.github.shipmaven.image..";
  private static final String GIT = "io.github.shipmaven.git..";
  private static final String CORE = "io.github.shipmaven.core..";

  @ArchTest
  static final ArchRule mavenApiOnlyInMaven =
      noClasses()
          .that()
          .resideOutsideOfPackages(MAVEN, HELP)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.apache.maven..", "org.codehaus.plexus..", "javax.inject..")
          .because("core logic runs and is tested without Maven");

  @ArchTest
  static final ArchRule jgitOnlyInGit =
      noClasses()
          .that()
          .resideOutsideOfPackage(GIT)
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.eclipse.jgit..");

  @ArchTest
  static final ArchRule okhttpOnlyInBuildKit =
      noClasses()
          .that()
          .resideOutsideOfPackage(BUILDKIT)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("okhttp3..", "okio..", "kotlin..");

  @ArchTest
  static final ArchRule dockerJavaOnlyInDocker =
      noClasses()
          .that()
          .resideOutsideOfPackage(DOCKER)
          .should()
          .dependOnClassesThat()
          .resideInAPackage("com.github.dockerjava..");

  /**
   * The push reads its stream with Jackson's streaming parser through the plugin's own transport:
   * docker-java's client and an object mapper cost a cold ship:push ~900 classes (bench/README.md,
   * "Pipeline").
   */
  @ArchTest
  static final ArchRule thePushLoadsNoDockerJavaClientNorObjectMapper =
      noClasses()
          .that()
          .haveSimpleNameStartingWith("ImagePusher")
          .or()
          .haveSimpleNameStartingWith("PushStream")
          .or()
          .haveSimpleNameStartingWith("DaemonItem")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "com.github.dockerjava.api..",
              "com.github.dockerjava.core..",
              "com.fasterxml.jackson.databind..");

  @ArchTest
  static final ArchRule nothingUsesMaven =
      noClasses()
          .that()
          .resideOutsideOfPackage(MAVEN)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(MAVEN);

  @ArchTest
  static final ArchRule coreUsesNothingOfTheProject =
      noClasses()
          .that()
          .resideInAPackage(CORE)
          .should()
          .dependOnClassesThat(resideInAPackage(PROJECT).and(resideOutsideOfPackage(CORE)));

  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching("io.github.shipmaven.(*)..").should().beFreeOfCycles();

  /** registry uses image (Docker Hub naming); the other way round would close a cycle. */
  @ArchTest
  static final ArchRule imageDoesNotUseRegistry =
      noClasses()
          .that()
          .resideInAPackage(IMAGE)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(REGISTRY);

  /** The graph of the class comment, edge for edge; a new package must be placed in it. */
  @ArchTest
  static final ArchRule layers =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .ensureAllClassesAreContainedInArchitecture()
          .layer("maven")
          .definedBy(MAVEN)
          .layer("help")
          .definedBy(HELP)
          .layer("plan")
          .definedBy(PLAN)
          .layer("buildkit")
          .definedBy(BUILDKIT)
          .layer("docker")
          .definedBy(DOCKER)
          .layer("context")
          .definedBy(CONTEXT)
          .layer("registry")
          .definedBy(REGISTRY)
          .layer("render")
          .definedBy(RENDER)
          .layer("image")
          .definedBy(IMAGE)
          .layer("git")
          .definedBy(GIT)
          .layer("core")
          .definedBy(CORE)
          .whereLayer("maven")
          .mayOnlyAccessLayers("plan", "docker", "registry", "git", "core")
          .whereLayer("help")
          .mayNotAccessAnyLayer()
          .whereLayer("plan")
          .mayOnlyAccessLayers(
              "buildkit", "docker", "render", "registry", "context", "image", "git", "core")
          .whereLayer("buildkit")
          .mayOnlyAccessLayers("docker", "context", "registry", "image", "core")
          .whereLayer("docker")
          .mayOnlyAccessLayers("context", "registry", "image", "core")
          .whereLayer("context")
          .mayOnlyAccessLayers("image", "core")
          .whereLayer("registry")
          .mayOnlyAccessLayers("image", "core")
          .whereLayer("render")
          .mayOnlyAccessLayers("image", "core")
          .whereLayer("image")
          .mayOnlyAccessLayers("git", "core")
          .whereLayer("git")
          .mayOnlyAccessLayers("core")
          .whereLayer("core")
          .mayNotAccessAnyLayer();
}

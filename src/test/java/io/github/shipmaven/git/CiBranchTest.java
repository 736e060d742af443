package io.github.shipmaven.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CiBranchTest {

  /** Each row: environment as {@code K=V;K=V}, the expected branch ('-' for none), its source. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "CIRCLECI=true;CIRCLE_BRANCH=master | master | CircleCI CIRCLE_BRANCH",
        "CIRCLECI=true;CIRCLE_TAG=v1 | - | -",
        "GITHUB_ACTIONS=true;GITHUB_REF=refs/heads/feature/x;GITHUB_REF_NAME=feature/x | feature/x | GitHub Actions GITHUB_REF",
        "GITHUB_ACTIONS=true;GITHUB_REF=refs/pull/7/merge;GITHUB_HEAD_REF=fix-it | fix-it | GitHub Actions GITHUB_HEAD_REF",
        "GITHUB_ACTIONS=true;GITHUB_REF=refs/tags/v1;GITHUB_REF_NAME=v1 | - | -",
        "GITHUB_ACTIONS=true;GITHUB_REF_NAME=main | main | GitHub Actions GITHUB_REF_NAME",
        "GITHUB_ACTIONS=true;GITHUB_REF_NAME=main;GITHUB_REF_TYPE=branch | main | GitHub Actions GITHUB_REF_NAME",
        "GITHUB_ACTIONS=true;GITHUB_REF_NAME=v1;GITHUB_REF_TYPE=tag | - | -",
        "GITLAB_CI=true;CI_COMMIT_REF_NAME=main;CI_COMMIT_BRANCH=main | main | GitLab CI CI_COMMIT_BRANCH",
        "GITLAB_CI=true;CI_COMMIT_REF_NAME=v2;CI_COMMIT_TAG=v2 | - | -",
        "JENKINS_URL=http://j;GIT_BRANCH=origin/release/1 | release/1 | Jenkins GIT_BRANCH",
        "JENKINS_URL=http://j;GIT_LOCAL_BRANCH=dev;GIT_BRANCH=origin/dev2 | dev | Jenkins GIT_LOCAL_BRANCH",
        "JENKINS_URL=http://j;BRANCH_NAME=PR-5 | PR-5 | Jenkins BRANCH_NAME",
        "TF_BUILD=True;BUILD_SOURCEBRANCH=refs/heads/team/x;BUILD_SOURCEBRANCHNAME=x | team/x | Azure Pipelines BUILD_SOURCEBRANCH",
        "TF_BUILD=True;BUILD_SOURCEBRANCH=refs/tags/v3 | - | -",
        "BITBUCKET_BUILD_NUMBER=4;BITBUCKET_BRANCH=main | main | Bitbucket Pipelines BITBUCKET_BRANCH",
        "TRAVIS=true;TRAVIS_BRANCH=main | main | Travis CI TRAVIS_BRANCH",
        "TRAVIS=true;TRAVIS_BRANCH=v1;TRAVIS_TAG=v1 | - | -",
        "CODEBUILD_BUILD_ID=b:1;CODEBUILD_WEBHOOK_HEAD_REF=refs/heads/main | main | AWS CodeBuild CODEBUILD_WEBHOOK_HEAD_REF",
        // A CI's marker set: only its own variables count, never a stray one of another CI.
        "GITLAB_CI=true;CIRCLE_BRANCH=stray | - | -",
        "CIRCLECI=true;BRANCH_NAME=stray | - | -",
        // No marker at all: the contract's variables, in its order.
        "CIRCLE_BRANCH=master | master | env CIRCLE_BRANCH, no CI marker variable set",
        "GITHUB_REF_NAME=main | main | env GITHUB_REF_NAME, no CI marker variable set",
        "GITHUB_HEAD_REF=fix;GITHUB_REF_NAME=7/merge | fix | env GITHUB_HEAD_REF, no CI marker variable set",
        "CI_COMMIT_REF_NAME=dev | dev | env CI_COMMIT_REF_NAME, no CI marker variable set",
        "BRANCH_NAME=release/2 | release/2 | env BRANCH_NAME, no CI marker variable set",
        "GIT_BRANCH=origin/main | main | env GIT_BRANCH, no CI marker variable set",
        "BUILD_SOURCEBRANCHNAME=main | main | env BUILD_SOURCEBRANCHNAME, no CI marker variable set",
        "BITBUCKET_BRANCH=main | main | env BITBUCKET_BRANCH, no CI marker variable set",
        "TRAVIS_BRANCH=main | main | env TRAVIS_BRANCH, no CI marker variable set",
        "PATH=/bin | - | -",
      })
  void readsEachCiByItsMarkerElseTheContractsVariables(
      String environment, String branch, String source) {
    Map<String, String> env = new HashMap<>();
    for (String pair : environment.split(";")) {
      String[] kv = pair.split("=", 2);
      env.put(kv[0], kv[1]);
    }
    Optional<CiBranch.Found> found = CiBranch.detect(env);
    if (branch.equals("-")) {
      assertThat(found).isEmpty();
    } else {
      assertThat(found).contains(new CiBranch.Found(branch, source));
    }
  }
}

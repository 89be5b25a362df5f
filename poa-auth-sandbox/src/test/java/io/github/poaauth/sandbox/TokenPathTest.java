package io.github.poaauth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import feign.RequestLine;
import io.github.poaauth.api.TokenApi;
import java.util.Arrays;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The sandbox is JDK-only, so it cannot read the token path from the generated API at run time:
 * its one constant is checked against the spec's path, as generated into {@link TokenApi}.
 */
class TokenPathTest {

  @Test
  void tokenPath_isThePathOfTheGeneratedTokenApi() {
    assertThat(Arrays.stream(TokenApi.class.getMethods())
        .map(method -> method.getAnnotation(RequestLine.class))
        .filter(Objects::nonNull)
        .map(RequestLine::value)
        .distinct())
        .containsExactly("POST " + PoaSandbox.TOKEN_PATH);
  }
}
